package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomPolicy;
import dev.hubbub.bridge.FeedEvent;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import dev.hubbub.limits.ClientAddress;
import dev.hubbub.limits.RateGate;
import dev.hubbub.store.AccountStore;
import dev.hubbub.metrics.HubMetrics;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

/**
 * One WebSocket connection: parses client frames, turns them into core commands, and writes feed events
 * and replies back as frames. A bad frame is answered with an {@code error} frame and the socket stays open.
 */
final class WsSession extends FeedSession {

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

  private final WebSocketBridge bridge;
  private final ServerWebSocket ws;
  private final EventBus bus;
  private final String id = UUID.randomUUID().toString();
  private final ArrayDeque<String> heldFrames = new ArrayDeque<>();
  private boolean joining;
  private boolean authenticating;
  private boolean closed;
  private String room;
  private String username;
  /** Who this connection is: a verified user, a guest, or null before the first join or auth. */
  private Identity identity;
  /** The identity the current room was joined with (for a guest, with the name it took). */
  private Identity member;
  private long expiryTimer = -1;
  private final RateGate rate;
  /** Until the first join or authentication; then -1. */
  private long joinTimer;

  WsSession(WebSocketBridge bridge, ServerWebSocket ws) {
    this.bridge = bridge;
    this.ws = ws;
    this.bus = bridge.vertx.eventBus();
    this.rate = new RateGate(bridge.limits, bridge.limitSettings, System.nanoTime());
    int joinSeconds = bridge.limitSettings.joinTimeoutSeconds();
    this.joinTimer = bridge.vertx.setTimer(joinSeconds * 1000L, t -> {
      joinTimer = -1;
      closeWith(CLOSE_POLICY, "join or authenticate within " + joinSeconds + "s");
    });
    // Our own reassembly rather than textMessageHandler: text must be valid UTF-8, or the socket closes with 1007.
    Messages messages = new Messages(bridge.config.limits().maxFrameBytes(), new Messages.Sink() {
      @Override
      public void text(String message) {
        onText(message);
      }

      @Override
      public void binary() {
        error("binary frames are not supported: send JSON text frames", null);
      }

      @Override
      public void tooBig() {
        closeTooBig();
      }

      @Override
      public void invalidUtf8() {
        closeWith(CLOSE_INVALID_DATA, "invalid UTF-8 in a text message");
      }
    });
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
      } else if (room != null && member.guest()) {
        error("leave the room before logging in", null);
      } else {
        identity = verified;
        cancelJoinTimer();
        if (member != null) {
          member = verified;
        }
        scheduleExpiry(verified.expiresAt());
        send(new JsonObject().put("type", "authenticated").put("username", verified.username())
            .put("roles", new JsonArray(verified.roles())).put("expiresAt", verified.expiresAt()));
      }
      drainHeldFrames();
    });
  }

  /** At the token's expiry the connection closes with 4401, unless an {@code auth} frame brought a fresh token. */
  private void scheduleExpiry(long expiresAt) {
    if (expiryTimer >= 0) {
      bridge.vertx.cancelTimer(expiryTimer);
    }
    long delay = Math.max(1, expiresAt - System.currentTimeMillis());
    expiryTimer = bridge.vertx.setTimer(delay, id -> {
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
    if (expiryTimer >= 0) {
      bridge.vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
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

  /** An account was deleted: if this connection is logged in as it, it closes with 4401. */
  void accountDeleted(String deleted) {
    if (identity != null && !identity.guest() && AccountStore.key(identity.username()).equals(AccountStore.key(deleted))) {
      refuse("account deleted: log in again");
    }
  }

  /** A room's access changed: a member who may no longer read it is taken out, and told why. */
  void accessChanged(RoomPolicy policy) {
    if (room != null && room.equals(policy.room()) && !policy.canRead(member)) {
      String left = room;
      leaveRoom();
      error("room '" + left + "' is now members-only", null);
    }
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

  private void closeTooBig() {
    closeWith(CLOSE_TOO_BIG, "message too big: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
  }

  /** Leaves the room and closes with {@code code}; nothing the client sent after it is handled. */
  private void closeWith(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    heldFrames.clear();
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
      switch ((String) type) {
        case "join" -> join(frame);
        case "chat" -> chat(frame);
        case "edit" -> edit(frame);
        case "delete" -> delete(frame);
        case "leave" -> leave();
        default -> throw Failure.badRequest("unknown type '" + abbreviate((String) type) + "'");
      }
    } catch (Failure.Rejected e) {
      error(e.getMessage(), null);
    }
  }

  private void join(JsonObject frame) {
    String newRoom = Rules.room(frame);
    Identity joiner = joiner(frame);
    String newName = joiner.username();
    Long since = Rules.optionalResumePoint(frame, "since");
    String epoch = Rules.optionalEpoch(frame.getValue("epoch"), "field 'epoch'");
    leaveRoom();
    joining = true;
    subscribing(since == null ? 0 : since);
    // The core refuses the join (and so the replay) to whoever may not use the room.
    bridge.fanout.add(newRoom, this)
        .compose(v -> request(Addresses.JOIN, joiner.into(new JsonObject().put("room", newRoom).put("session", id))))
        .onComplete(result -> {
          joining = false;
          if (result.succeeded() && !closed) {
            cancelJoinTimer();
            room = newRoom;
            username = newName;
            member = joiner;
            JsonObject reply = result.result().body();
            send(new JsonObject().put("type", "welcome").put("room", newRoom).put("username", newName)
                .put("users", reply.getJsonArray("users")));
            replaying();
            replayHistory(newRoom, since, epoch);
          } else {
            bridge.fanout.remove(newRoom, this);
            stop();
            if (result.succeeded()) {
              // The socket closed while the join was in flight: undo it so the roster stays true.
              request(Addresses.LEAVE, new JsonObject().put("room", newRoom).put("session", id));
            } else {
              error(Failure.messageOf(result.cause()), null);
            }
          }
          drainHeldFrames();
        });
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

  /** With {@code since}, a resume in the client's {@code epoch} (null: not checked). */
  private void replayHistory(String joinedRoom, Long since, String epoch) {
    JsonObject query = member.into(new JsonObject().put("room", joinedRoom));
    if (since != null) {
      query.put("since", since).put("epoch", epoch);
    }
    request(Addresses.HISTORY, query).onComplete(result -> {
      if (!joinedRoom.equals(room)) {
        return; // left or switched rooms meanwhile
      }
      if (result.succeeded()) {
        JsonObject history = result.result().body();
        replay(history.getJsonArray("messages").stream().map(JsonObject.class::cast).toList(),
            history.getBoolean("truncated"), history.getString("epoch"));
      } else {
        error("history unavailable: " + Failure.messageOf(result.cause()), null);
        replay(List.of(), false, "");
      }
    });
  }

  private void chat(JsonObject frame) {
    if (room == null) {
      throw Failure.badRequest("join a room before chatting");
    }
    command(Addresses.CHAT, new JsonObject().put("text", Rules.string(frame, "text")), Rules.optionalCid(frame));
  }

  /** {@code edit {id, text, cid?}}: only one's own messages; everyone then sees {@code edited}. */
  private void edit(JsonObject frame) {
    if (room == null) {
      throw Failure.badRequest("join a room before editing");
    }
    command(Addresses.EDIT, new JsonObject().put("id", Rules.messageId(frame)).put("text", Rules.string(frame, "text")),
        Rules.optionalCid(frame));
  }

  /** {@code delete {id, cid?}}: only one's own messages; everyone then sees {@code deleted}. */
  private void delete(JsonObject frame) {
    if (room == null) {
      throw Failure.badRequest("join a room before deleting");
    }
    command(Addresses.DELETE, new JsonObject().put("id", Rules.messageId(frame)), Rules.optionalCid(frame));
  }

  /**
   * Sends a write command as this session's user in its room. With a {@code cid} the client gets
   * {@code ack {cid, id, seq}} once the event is committed; a failure is an {@code error} frame carrying the cid.
   */
  private void command(String address, JsonObject command, String cid) {
    ClientAddress.into(member.into(command.put("room", room)), ws.remoteAddress());
    if (cid != null) {
      command.put("cid", cid);
    }
    request(address, command)
        .onSuccess(reply -> {
          if (cid != null) {
            JsonObject stored = reply.body();
            send(new JsonObject().put("type", "ack").put("cid", cid).put("id", stored.getString("id")).put("seq", stored.getLong("seq")));
          }
        })
        .onFailure(e -> error(Failure.messageOf(e), cid));
  }

  private void leave() {
    if (room == null) {
      throw Failure.badRequest("not in a room");
    }
    String leftRoom = room;
    String leftName = username;
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
    if (room == null) {
      return;
    }
    bridge.fanout.remove(room, this);
    stop();
    request(Addresses.LEAVE, new JsonObject().put("room", room).put("session", id))
        .onFailure(e -> {
          // During shutdown presence may be gone before us; the roster goes with it.
          if (!bridge.shuttingDown()) {
            log.warn("leave of session {} failed: {}", id, e.getMessage());
          }
        });
    room = null;
    username = null;
    member = null;
  }

  private void drainHeldFrames() {
    while (!joining && !authenticating && !closed && !heldFrames.isEmpty()) {
      onText(heldFrames.pollFirst());
    }
  }

  private Future<Message<JsonObject>> request(String address, JsonObject body) {
    return bus.request(address, body);
  }

  private static String abbreviate(String s) {
    return s.length() > 32 ? s.substring(0, 32) + "..." : s;
  }

  private void error(String message, String cid) {
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
  private void send(JsonObject frame) {
    if (transportClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      HubMetrics.get().slowConsumer();
      disconnectSlow("slow consumer: reconnect and resume after seq " + lastSeq());
    } else {
      HubMetrics.get().messageOut(HubMetrics.Transport.WS);
      ws.writeTextMessage(frame.encode());
    }
  }

  @Override
  protected void write(FeedEvent event) {
    HubMetrics.get().messageOut(HubMetrics.Transport.WS);
    ws.writeTextMessage(event.text());
  }

  @Override
  protected void writeHistory(List<JsonObject> events, boolean truncated, String epoch) {
    JsonObject frame = new JsonObject().put("type", "history").put("room", room).put("messages", new JsonArray(List.copyOf(events)))
        .put("truncated", truncated).put("epoch", epoch);
    send(frame);
  }

  @Override
  protected boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  /** Closed by us, or by the peer before our close handler ran (then writing would throw). */
  @Override
  protected boolean transportClosed() {
    return closed || ws.isClosed();
  }

  @Override
  protected void failed(Throwable cause) {
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
    String reason = goingAway();
    closed = true;
    cancelExpiry();
    leaveRoom();
    return ws.close(CLOSE_GOING_AWAY, reason).recover(e -> Future.succeededFuture());
  }

  @Override
  protected void disconnectSlow(String reason) {
    log.info("closing slow WebSocket {} in room {}", id, room);
    dev.hubbub.stats.ConnectionReporter.slowConsumerClosed(dev.hubbub.stats.ConnectionReporter.WEBSOCKET);
    closed = true;
    leaveRoom();
    if (!ws.isClosed()) {
      ws.close(CLOSE_SLOW, reason);
    }
  }
}
