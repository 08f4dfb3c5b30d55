package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import dev.hubbub.limits.RateGate;
import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Disconnect;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.UUID;

/**
 * One WebSocket connection, a thin adapter: parses client frames, turns them into core commands, and
 * writes replies back as frames; its room membership (feed, replay, commands) is a {@link WsRoom}, under
 * the engine's rules. It owns the connection's identity, token expiry and closing. A bad frame is answered
 * with an {@code error} frame and the socket stays open.
 */
final class WsSession implements SessionEngine.Member, Messages.Sink {

  private static final Logger log = LoggerFactory.getLogger(WsSession.class);

  /** Close code for a client that cannot keep up (RFC 6455 "try again later"). */
  static final short CLOSE_SLOW = 1013;
  /** RFC 6455 "going away": the hub is shutting down; the reason carries the resume point. */
  static final short CLOSE_GOING_AWAY = 1001;
  /** Close code for a text message that is not valid UTF-8 (RFC 6455 "invalid frame payload data"). */
  static final short CLOSE_INVALID_DATA = 1007;
  /** Close code for a frame or message over the configured limit (RFC 6455 "message too big"). */
  static final short CLOSE_TOO_BIG = 1009;
  /** Close code for a missing, invalid or expired token (4000-4999 are the application's; 401 as in HTTP). */
  static final short CLOSE_UNAUTHENTICATED = 4401;
  /** Close code for a client that breaks the hub's rules: rate abuse, never joining (RFC 6455 "policy violation"). */
  static final short CLOSE_POLICY = 1008;
  /** Frames a client may send while its join or auth is still being answered; they are handled in order after it. */
  static final int MAX_FRAMES_WHILE_JOINING = 64;

  final WebSocketBridge bridge;
  final ServerWebSocket ws;
  final String id = UUID.randomUUID().toString();
  /** Frames that came while a join or auth was being answered; made on first use. */
  private ArrayDeque<String> heldFrames;
  private boolean joining;
  private boolean authenticating;
  private boolean closed;
  /** The room joined, or null. */
  private WsRoom room;
  /** Who this connection is: a verified user, a guest, or null before the first join or auth. */
  private Identity identity;
  private long expiryTimer = -1;
  private final RateGate rate;
  /** Until the first join or authentication; then -1. */
  private long joinTimer;

  WsSession(WebSocketBridge bridge, ServerWebSocket ws) {
    this.bridge = bridge;
    this.ws = ws;
    this.rate = new RateGate(bridge.limits, bridge.limitSettings, System.nanoTime());
    int joinSeconds = bridge.limitSettings.joinTimeoutSeconds();
    this.joinTimer = bridge.vertx.setTimer(joinSeconds * 1000L, t -> {
      joinTimer = -1;
      closeWith(CLOSE_POLICY, "join or authenticate within " + joinSeconds + "s");
    });
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
    bridge.authenticator.verify(credentials).onComplete(result -> {
      authenticating = false;
      if (closed) {
        return;
      }
      if (result.failed()) {
        refuse(Failure.messageOf(result.cause()));
        return;
      }
      Identity verified = result.result();
      if (identity != null && !identity.guest() && !identity.username().equals(verified.username())) {
        error("this connection is logged in as '" + identity.username() + "': reconnect to switch users", null);
      } else if (room != null && room.member.guest()) {
        error("leave the room before logging in", null);
      } else {
        identity = verified;
        cancelJoinTimer();
        if (room != null) {
          room.member = verified;
        }
        scheduleExpiry(verified);
        send(new JsonObject().put("type", "authenticated").put("username", verified.username())
            .put("roles", new JsonArray(verified.roles())).put("expiresAt", verified.expiresAt()));
      }
      drainHeldFrames();
    });
  }

  /** At the token's expiry the connection closes with 4401, unless an {@code auth} frame brought a fresh token. */
  private void scheduleExpiry(Identity verified) {
    bridge.engine.cancelExpiry(expiryTimer);
    expiryTimer = bridge.engine.atExpiry(verified, () -> {
      expiryTimer = -1;
      refuse("token expired: send a fresh auth frame or log in again");
    });
  }

  /** Tells the client why, then closes with 4401. */
  private void refuse(String reason) {
    if (closed) {
      return;
    }
    error(reason, null);
    closed = true;
    leaveRoom();
    cancelExpiry();
    ws.close(CLOSE_UNAUTHENTICATED, reason.length() > 120 ? reason.substring(0, 120) : reason);
  }

  private void cancelExpiry() {
    bridge.engine.cancelExpiry(expiryTimer);
    expiryTimer = -1;
    cancelJoinTimer();
  }

  private void cancelJoinTimer() {
    if (joinTimer >= 0) {
      bridge.vertx.cancelTimer(joinTimer);
      joinTimer = -1;
    }
  }

  /** Keeps the connection from counting as idle; a peer that is gone makes the write fail quietly. */
  void ping() {
    if (!transportClosed() && !ws.writeQueueFull()) {
      ws.writePing(Buffer.buffer());
    }
  }

  /** The account this connection is logged in as was deleted: it closes with 4401. */
  @Override
  public void accountDeleted(String accountKey) {
    if (SessionEngine.isAccount(identity, accountKey)) {
      refuse("account deleted: log in again");
    }
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
  public void text(String message) {
    onText(message);
  }

  @Override
  public void binary() {
    error("binary frames are not supported: send JSON text frames", null);
  }

  @Override
  public void invalidUtf8() {
    closeWith(CLOSE_INVALID_DATA, "invalid UTF-8 in a text message");
  }

  /** Vert.x reports an oversized frame or message as an exception; answer it with the standard close code. */
  private void onException(Throwable e) {
    boolean tooBig = e instanceof CorruptedWebSocketFrameException corrupted
        ? corrupted.closeStatus() != null && corrupted.closeStatus().code() == CLOSE_TOO_BIG
        : e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
    if (tooBig) {
      closeTooBig();
    } else {
      log.debug("WebSocket {} error: {}", id, e.getMessage());
    }
  }

  @Override
  public void tooBig() {
    closeTooBig();
  }

  private void closeTooBig() {
    closeWith(CLOSE_TOO_BIG, "message too big: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
  }

  /** Leaves the room and closes with {@code code}; nothing the client sent after it is handled. */
  private void closeWith(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    heldFrames = null;
    cancelExpiry();
    leaveRoom();
    if (!ws.isClosed()) {
      ws.close(code, reason);
    }
  }

  private void onText(String text) {
    HubMetrics.get().messageIn(HubMetrics.Transport.WS);
    if (closed) {
      return;
    }
    switch (rate.message(RateGate.keyOf(identity), System.nanoTime())) {
      case REFUSE -> {
        error(RateGate.REFUSED, null, 429);
        return;
      }
      case CLOSE -> {
        closeWith(CLOSE_POLICY, RateGate.CLOSED);
        return;
      }
      case PASS -> {
      }
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
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error("invalid message: expected a JSON object", null);
      return;
    }
    try {
      Object type = frame.getValue("type");
      if (!(type instanceof String)) {
        throw Failure.badRequest("missing field 'type'");
      }
      if (type.equals("auth")) {
        authenticate(Credentials.frame(Rules.string(frame, "token")));
        return;
      }
      if (identity == null && !bridge.config.auth().guests()) {
        refuse("authentication required: send {\"type\":\"auth\",\"token\":...} first, or log in");
        return;
      }
      WsFrames.handle(this, (String) type, frame);
    } catch (Failure.Rejected e) {
      error(e.getMessage(), null);
    }
  }

  /** A join: leaves the current room, then holds further frames until the core has answered. */
  void join(JsonObject frame, String newRoom, Long since, String epoch) {
    WsRoom next = new WsRoom(this, newRoom, joiner(frame));
    leaveRoom();
    joining = true;
    next.start(since, epoch);
  }

  /** The join of {@code joined} was accepted: it is this connection's room now, unless the connection closed meanwhile. */
  boolean entered(WsRoom joined) {
    if (closed) {
      return false;
    }
    cancelJoinTimer();
    room = joined;
    return true;
  }

  /** The join was answered, either way: the frames held meanwhile are handled now. */
  void joinAnswered() {
    joining = false;
    drainHeldFrames();
  }

  /**
   * Who joins: a logged-in user under their own name (the frame may omit it, or must repeat it), else a
   * guest under the name the frame gives.
   */
  private Identity joiner(JsonObject frame) {
    if (identity != null && !identity.guest()) {
      Object claimed = frame.getValue("username");
      if (claimed != null && !identity.username().equals(claimed)) {
        throw Failure.forbidden("you are logged in as '" + identity.username() + "': a join cannot claim another name");
      }
      return identity;
    }
    identity = Identity.guest(Rules.username(frame));
    return identity;
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

  /** The connection is gone: leave the room so others see it. */
  void closed() {
    closed = true;
    cancelExpiry();
    leaveRoom();
  }

  private void leaveRoom() {
    if (room != null) {
      WsRoom left = room;
      room = null;
      left.leave();
    }
  }

  void leaveFailed(Throwable e) {
    // During shutdown presence may be gone before us; the roster goes with it.
    if (!bridge.shuttingDown()) {
      log.warn("leave of session {} failed: {}", id, e.getMessage());
    }
  }

  private void drainHeldFrames() {
    while (!joining && !authenticating && !closed && heldFrames != null && !heldFrames.isEmpty()) {
      onText(heldFrames.pollFirst());
    }
    if (heldFrames != null && heldFrames.isEmpty()) {
      heldFrames = null;
    }
  }

  Future<Message<JsonObject>> request(String address, JsonObject body) {
    return bridge.vertx.eventBus().request(address, body);
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
    return closed || ws.isClosed();
  }

  /** Writing failed: the connection is unusable. */
  void failed(Throwable cause) {
    log.debug("WebSocket {} failed while writing, closing it: {}", id, cause.toString());
    closed = true;
    cancelExpiry();
    leaveRoom();
    if (!ws.isClosed()) {
      ws.close();
    }
  }

  /** The hub is shutting down: close with 1001 and the resume point (after any ack already written). */
  Future<Void> shutDown() {
    if (transportClosed()) {
      return Future.succeededFuture();
    }
    String reason = (room == null ? Disconnect.goingAway(0) : room.goingAway()).reason();
    closed = true;
    cancelExpiry();
    leaveRoom();
    return ws.close(CLOSE_GOING_AWAY, reason).recover(e -> Future.succeededFuture());
  }

  /** Closes for {@code disconnect} (a slow consumer), with its resume point in the reason. */
  void disconnect(Disconnect disconnect) {
    log.info("closing slow WebSocket {} in room {}", id, room);
    ConnectionReporter.slowConsumerClosed(ConnectionReporter.WEBSOCKET);
    closed = true;
    leaveRoom();
    if (!ws.isClosed()) {
      ws.close(disconnect.kind() == Disconnect.Kind.SLOW ? CLOSE_SLOW : CLOSE_GOING_AWAY, disconnect.reason());
    }
  }
}
