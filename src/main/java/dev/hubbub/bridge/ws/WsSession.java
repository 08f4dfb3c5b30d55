package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.Client;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.stats.ConnectionReporter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.UUID;

/**
 * One WebSocket connection, a thin adapter: parses client frames, turns them into core commands, and
 * writes replies back as frames; its room membership (feed, replay, commands) is a {@link WsRoom}, under
 * the engine's rules, and who it is (identity, token expiry, rate, account deletion, counting) is its
 * {@link Client}. What is its own: the frames' order while a join or auth is answered, and the close codes.
 * A bad frame is answered with an {@code error} frame and the socket stays open.
 */
final class WsSession implements Client.Transport, Messages.Sink {

  private static final Logger log = LoggerFactory.getLogger(WsSession.class);

  /** Frames a client may send while its join or auth is still being answered; they are handled in order after it. */
  static final int MAX_FRAMES_WHILE_JOINING = 64;
  private static final String EXPIRED = "token expired: send a fresh auth frame or log in again";
  static final String AUTH_REQUIRED = "authentication required: send {\"type\":\"auth\",\"token\":...} first, or log in";

  final WebSocketBridge bridge;
  final ServerWebSocket ws;
  final String id = UUID.randomUUID().toString();
  final Client client;
  /** Frames that came while a join or auth was being answered; made on first use. */
  private ArrayDeque<String> heldFrames;
  private boolean joining;
  private boolean authenticating;
  /** The room joined, or null. */
  private WsRoom room;

  /** {@code place}: the address admitted under the connection caps, released when the socket closes. */
  WsSession(WebSocketBridge bridge, ServerWebSocket ws, SocketAddress place) {
    this.bridge = bridge;
    this.ws = ws;
    this.client = bridge.connections.open(this, place);
    int joinSeconds = bridge.config.abuse().joinTimeoutSeconds();
    client.expectWithin(joinSeconds, "join or authenticate within " + joinSeconds + "s");
    // Our own reassembly rather than textMessageHandler: text must be valid UTF-8, or the socket closes with 1007.
    Messages messages = new Messages(bridge.config.limits().maxFrameBytes(), this);
    ws.frameHandler(messages::frame);
    ws.exceptionHandler(this::onException);
  }

  /**
   * Verifies a token (from the upgrade's headers, or an {@code auth} frame) before any further frame is
   * handled. A bad token closes the connection with 4401: it is never downgraded to a guest.
   */
  void authenticate(Credentials credentials) {
    authenticating = true;
    client.logIn(credentials).onComplete(result -> {
      authenticating = false;
      if (client.isClosed()) {
        return;
      }
      if (result.failed()) {
        if (result.cause() instanceof Failure.Rejected r && r.code == Failure.CONFLICT) {
          error(r.getMessage(), null); // another user's token: refused, the connection stays as it is
        } else {
          end(Client.Ending.UNAUTHENTICATED, Failure.messageOf(result.cause()));
          return;
        }
      } else if (room != null && room.member.guest()) {
        error("leave the room before logging in", null);
      } else {
        Identity verified = result.result();
        client.loggedIn(verified, EXPIRED);
        if (room != null) {
          room.member = verified;
        }
        send(new JsonObject().put("type", "authenticated").put("username", verified.username())
            .put("roles", new JsonArray(verified.roles())).put("expiresAt", verified.expiresAt()));
      }
      drainHeldFrames();
    });
  }

  /** The connection's rules end it: 4401 (told why first) for a token, 1008 for rate abuse or silence. */
  @Override
  public void end(Client.Ending ending, String reason) {
    if (ending == Client.Ending.UNAUTHENTICATED) {
      error(reason, null);
    }
    closeWith(WsClose.of(ending), WsClose.reason(reason));
  }

  /** One frame over the rate: an {@code error} frame with the code. */
  @Override
  public void refused(int code, String message) {
    error(message, null, code);
  }

  /** The room's access changed and {@code revoked}'s member may no longer read it: it leaves the room, told why. */
  void revoked(WsRoom revoked, String reason) {
    if (room == revoked) {
      leaveRoom();
      error(reason, null);
    }
  }

  boolean isIn(WsRoom joined) {
    return room == joined;
  }

  @Override
  public void binary() {
    error("binary frames are not supported: send JSON text frames", null);
  }

  @Override
  public void invalidUtf8() {
    closeWith(WsClose.INVALID_DATA, "invalid UTF-8 in a text message");
  }

  /** Vert.x reports an oversized frame or message as an exception; answer it with the standard close code. */
  private void onException(Throwable e) {
    boolean tooBig = e instanceof CorruptedWebSocketFrameException corrupted
        ? corrupted.closeStatus() != null && corrupted.closeStatus().code() == WsClose.TOO_BIG
        : e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
    if (tooBig) {
      tooBig();
    } else {
      log.debug("WebSocket {} error: {}", id, e.getMessage());
    }
  }

  @Override
  public void tooBig() {
    closeWith(WsClose.TOO_BIG, "message too big: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
  }

  /** Leaves the room and closes with {@code code} (when the socket is still open); nothing the client sent after it is handled. */
  private void closeWith(short code, String reason) {
    if (!client.closing()) {
      return;
    }
    heldFrames = null;
    leaveRoom();
    if (!ws.isClosed()) {
      ws.close(code, reason);
    }
  }

  @Override
  public void text(String text) {
    HubMetrics.get().messageIn(HubMetrics.Transport.WS);
    if (client.isClosed() || !client.admit()) {
      return;
    }
    if (joining || authenticating) {
      if (heldFrames == null) {
        heldFrames = new ArrayDeque<>();
      }
      if (heldFrames.size() >= MAX_FRAMES_WHILE_JOINING) {
        error("too many frames before the join was answered; frame dropped", null);
      } else {
        heldFrames.addLast(text);
      }
      return;
    }
    WsFrames.handle(this, text);
  }

  /** A join: leaves the current room, then holds further frames until the core has answered. */
  void join(JsonObject frame, String newRoom, Long since, String epoch) {
    WsRoom next = new WsRoom(this, newRoom, client.joiner(frame));
    leaveRoom();
    joining = true;
    next.start(since, epoch);
  }

  /** The join of {@code joined} was accepted: it is this connection's room now, unless the connection closed meanwhile. */
  boolean entered(WsRoom joined) {
    if (client.isClosed()) {
      return false;
    }
    client.heard();
    room = joined;
    return true;
  }

  /** The join was answered, either way: the frames held meanwhile are handled now. */
  void joinAnswered() {
    joining = false;
    drainHeldFrames();
  }

  WsRoom joined(String otherwise) {
    if (room == null) {
      throw Failure.badRequest(otherwise);
    }
    return room;
  }

  void leave() {
    WsRoom left = joined("not in a room");
    String leftRoom = left.room;
    String leftName = left.member.username();
    leaveRoom();
    send(new JsonObject().put("type", "left").put("room", leftRoom).put("username", leftName));
  }

  /** The connection is gone: leave the room so others see it, and release its count and place. */
  void closed() {
    client.closed();
    leaveRoom();
  }

  private void leaveRoom() {
    if (room != null) {
      WsRoom left = room;
      room = null;
      left.leave();
    }
  }

  private void drainHeldFrames() {
    while (!joining && !authenticating && !client.isClosed() && heldFrames != null && !heldFrames.isEmpty()) {
      text(heldFrames.pollFirst());
    }
    if (heldFrames != null && heldFrames.isEmpty()) {
      heldFrames = null;
    }
  }

  void error(String message, String cid) {
    error(message, cid, 0);
  }

  /** With a {@code code} (e.g. 429) when the client should act on it by kind rather than by message. */
  private void error(String message, String cid, int code) {
    JsonObject frame = new JsonObject().put("type", "error").put("message", message);
    if (code > 0) {
      frame.put("code", code);
    }
    if (cid != null) {
      frame.put("cid", cid);
    }
    send(frame);
  }

  /** Writes a reply frame (welcome, ack, error...) under the same slow-consumer rule as feed events. */
  void send(JsonObject frame) {
    if (transportClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      HubMetrics.get().slowConsumer();
      disconnect(Disconnect.slow(room == null ? 0 : room.lastSeq()));
    } else {
      HubMetrics.get().messageOut(HubMetrics.Transport.WS);
      ws.writeTextMessage(frame.encode());
    }
  }

  /** Closed by us, or by the peer before our close handler ran (then writing would throw). */
  boolean transportClosed() {
    return client.isClosed() || ws.isClosed();
  }

  /** Writing failed: the connection is unusable. */
  void failed(Throwable cause) {
    log.debug("WebSocket {} failed while writing, closing it: {}", id, cause.toString());
    closeWith((short) 1000, null);
  }

  /** The hub is shutting down: close with 1001 and the resume point (after any ack already written). */
  Future<Void> shutDown() {
    if (transportClosed()) {
      return Future.succeededFuture();
    }
    String reason = (room == null ? Disconnect.goingAway(0) : room.goingAway()).reason();
    client.closing();
    leaveRoom();
    return ws.close(WsClose.GOING_AWAY, reason).recover(e -> Future.succeededFuture());
  }

  /** Closes for {@code disconnect} (a slow consumer), with its resume point in the reason. */
  void disconnect(Disconnect disconnect) {
    log.info("closing slow WebSocket {} in room {}", id, room);
    ConnectionReporter.slowConsumerClosed(ConnectionReporter.WEBSOCKET);
    closeWith(WsClose.of(disconnect), disconnect.reason());
  }
}
