package dev.hubbub.bridge.ws;

import dev.hubbub.bridge.FeedEvent;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
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
  /** Close code for a frame or message over the configured limit (RFC 6455 "message too big"). */
  static final short CLOSE_TOO_BIG = 1009;
  /** Frames a client may send while its join is still being answered; they are handled in order after it. */
  static final int MAX_FRAMES_WHILE_JOINING = 64;

  private final WebSocketBridge bridge;
  private final ServerWebSocket ws;
  private final EventBus bus;
  private final String id = UUID.randomUUID().toString();
  private final ArrayDeque<String> heldFrames = new ArrayDeque<>();
  private boolean joining;
  private boolean closed;
  private String room;
  private String username;

  WsSession(WebSocketBridge bridge, ServerWebSocket ws) {
    this.bridge = bridge;
    this.ws = ws;
    this.bus = bridge.vertx.eventBus();
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> error("binary frames are not supported: send JSON text frames", null));
    ws.exceptionHandler(this::onException);
  }

  /** Vert.x reports an oversized frame or message as an exception; answer it with the standard close code. */
  private void onException(Throwable e) {
    boolean tooBig = e instanceof CorruptedWebSocketFrameException corrupted
        ? corrupted.closeStatus() != null && corrupted.closeStatus().code() == CLOSE_TOO_BIG
        : e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
    if (tooBig && !closed) {
      closed = true;
      leaveRoom();
      ws.close(CLOSE_TOO_BIG, "message too big: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
    } else {
      log.debug("WebSocket {} error: {}", id, e.getMessage());
    }
  }

  private void onText(String text) {
    if (joining) {
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
    String newName = Rules.username(frame);
    Long since = Rules.optionalSeq(frame, "since");
    leaveRoom();
    joining = true;
    subscribing(since == null ? 0 : since);
    bridge.fanout.add(newRoom, this)
        .compose(v -> request(Addresses.JOIN, new JsonObject().put("room", newRoom).put("username", newName).put("session", id)))
        .onComplete(result -> {
          joining = false;
          if (result.succeeded() && !closed) {
            room = newRoom;
            username = newName;
            JsonObject reply = result.result().body();
            send(new JsonObject().put("type", "welcome").put("room", newRoom).put("username", newName)
                .put("users", reply.getJsonArray("users")));
            replaying();
            replayHistory(newRoom, since);
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

  private void replayHistory(String joinedRoom, Long since) {
    JsonObject query = new JsonObject().put("room", joinedRoom);
    if (since != null) {
      query.put("since", since);
    }
    request(Addresses.HISTORY, query).onComplete(result -> {
      if (!joinedRoom.equals(room)) {
        return; // left or switched rooms meanwhile
      }
      if (result.succeeded()) {
        JsonObject history = result.result().body();
        replay(history.getJsonArray("messages").stream().map(JsonObject.class::cast).toList(),
            history.getBoolean("truncated"));
      } else {
        error("history unavailable: " + Failure.messageOf(result.cause()), null);
        replay(List.of(), false);
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
    command.put("room", room).put("username", username);
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
    leaveRoom();
  }

  private void leaveRoom() {
    if (room == null) {
      return;
    }
    bridge.fanout.remove(room, this);
    stop();
    request(Addresses.LEAVE, new JsonObject().put("room", room).put("session", id))
        .onFailure(e -> log.warn("leave of session {} failed: {}", id, e.getMessage()));
    room = null;
    username = null;
  }

  private void drainHeldFrames() {
    while (!joining && !heldFrames.isEmpty()) {
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
    JsonObject frame = new JsonObject().put("type", "error").put("message", message);
    if (cid != null) {
      frame.put("cid", cid);
    }
    send(frame);
  }

  /** Writes a reply frame (welcome, ack, error...) under the same slow-consumer rule as feed events. */
  private void send(JsonObject frame) {
    if (closed) {
      return;
    }
    if (ws.writeQueueFull()) {
      disconnectSlow("slow consumer: reconnect and resume after seq " + lastSeq());
    } else {
      ws.writeTextMessage(frame.encode());
    }
  }

  @Override
  protected void write(FeedEvent event) {
    ws.writeTextMessage(event.text());
  }

  @Override
  protected void writeHistory(List<JsonObject> events, boolean truncated) {
    JsonObject frame = new JsonObject().put("type", "history").put("room", room).put("messages", new JsonArray(List.copyOf(events)))
        .put("truncated", truncated);
    send(frame);
  }

  @Override
  protected boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  protected void disconnectSlow(String reason) {
    log.info("closing slow WebSocket {} in room {}", id, room);
    closed = true;
    leaveRoom();
    ws.close(CLOSE_SLOW, reason);
  }
}
