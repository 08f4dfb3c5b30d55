package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.bridge.Subscribe;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.limits.ClientAddress;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * A WebSocket connection's membership of one room: its subscription to the room's feed (replay, then
 * live, under the engine's rules), and the write commands it sends as the member it joined as. Made for
 * each join; the connection ({@link WsSession}) holds at most one.
 */
final class WsRoom extends FeedSession {

  private static final Logger log = LoggerFactory.getLogger(WsRoom.class);

  private final WsSession session;
  final String room;
  /** The identity the room was joined with (for a guest, with the name it took). */
  Identity member;

  WsRoom(WsSession session, String room, Identity member) {
    this.session = session;
    this.room = room;
    this.member = member;
  }

  /**
   * Subscribes first, then subscribes to the room in one request (the core refuses whoever may not use
   * the room, and joins the others), so nothing published meanwhile is missed; accepted, the client is
   * welcomed with the roster as joined and gets the history of the same reply, then live events. With
   * {@code since}, a resume in the client's {@code epoch} (null: not checked).
   */
  void start(Long since, String epoch) {
    subscribing(since == null ? 0 : since);
    session.bridge.engine.subscribe(room, this)
        .compose(v -> Subscribe.send(session.bridge.vertx.eventBus(), Subscribe.join(room, member, session.id, since, epoch)))
        .onComplete(result -> {
          if (result.succeeded() && session.entered(this)) {
            Subscribe.Reply reply = result.result();
            session.send(new JsonObject().put("type", "welcome").put("room", room).put("username", member.username())
                .put("users", reply.users()));
            replayHistory(reply);
          } else {
            session.bridge.engine.unsubscribe(room, this);
            stop();
            if (result.succeeded()) {
              // The socket closed while the join was in flight: undo it so the roster stays true.
              request(Addresses.LEAVE, new JsonObject().put("room", room).put("session", session.id));
            } else {
              session.error(Failure.messageOf(result.cause()), null);
            }
          }
          session.joinAnswered();
        });
  }

  /** The history the subscribe reply carried, after the welcome; one that could not be read is an error frame and an empty replay. */
  private void replayHistory(Subscribe.Reply reply) {
    replaying();
    Failure.Rejected unread = reply.historyFailure();
    if (unread == null) {
      replay(reply.messages(), reply.truncated(), reply.epoch());
    } else {
      session.error("history unavailable: " + unread.getMessage(), null);
      replay(List.of(), false, "");
    }
  }

  /** Posts {@code text} in this room as this member; see {@link #command}. */
  void post(String text, String cid) {
    command(() -> WriteCommand.Post.of(room, member.actor(), text, cid, from(), maxTextChars()), cid);
  }

  /** Edits this member's message {@code id}; see {@link #command}. */
  void edit(String id, String text, String cid) {
    command(() -> WriteCommand.Edit.of(room, member.actor(), id, text, from(), maxTextChars()), cid);
  }

  /** Deletes this member's message {@code id}; see {@link #command}. */
  void delete(String id, String cid) {
    command(() -> WriteCommand.Delete.of(room, member.actor(), id, from()), cid);
  }

  /**
   * Sends a write command, checked as it is made, to the room's owner shard. With a {@code cid} the client
   * gets {@code ack {cid, id, seq}} once the event is committed; a refusal is an {@code error} frame carrying the cid.
   */
  private void command(Supplier<WriteCommand> make, String cid) {
    WriteCommand command;
    try {
      command = make.get();
    } catch (Failure.Rejected e) {
      session.error(e.getMessage(), cid);
      return;
    }
    session.bridge.vertx.eventBus().<Ack>request(RoomOwners.of(session.bridge.vertx).address(room, command.address()), command)
        .onSuccess(reply -> {
          if (cid != null) {
            Ack stored = reply.body();
            session.send(new JsonObject().put("type", "ack").put("cid", cid).put("id", stored.id()).put("seq", stored.seq()));
          }
        })
        .onFailure(e -> session.error(Failure.messageOf(e), cid));
  }

  private String from() {
    return ClientAddress.host(session.ws.remoteAddress());
  }

  private int maxTextChars() {
    return session.bridge.config.limits().maxTextChars();
  }

  /** Out of the feed, and out of the room's presence so others see it. */
  void leave() {
    session.bridge.engine.unsubscribe(room, this);
    stop();
    request(Addresses.LEAVE, new JsonObject().put("room", room).put("session", session.id))
        .onFailure(e -> {
          // During shutdown presence may be gone before us; the roster goes with it.
          if (!session.bridge.shuttingDown()) {
            log.warn("leave of session {} failed: {}", session.id, e.getMessage());
          }
        });
  }

  private Future<Message<JsonObject>> request(String address, JsonObject body) {
    return session.bridge.vertx.eventBus().request(address, body);
  }

  @Override
  protected void write(FeedEvent event) {
    HubMetrics.get().messageOut(HubMetrics.Transport.WS);
    // The event's UTF-8 bytes as they are, shared by every subscriber: writeTextMessage(String) would
    // encode the text again for each one. (The public API has no text frame from a Buffer.)
    session.ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) event.json()).getByteBuf(), true));
  }

  @Override
  protected void writeHistory(List<JsonObject> events, boolean truncated, String epoch) {
    session.send(new JsonObject().put("type", "history").put("room", room).put("messages", new JsonArray(List.copyOf(events)))
        .put("truncated", truncated).put("epoch", epoch));
  }

  @Override
  protected boolean writeQueueFull() {
    return session.ws.writeQueueFull();
  }

  @Override
  protected boolean transportClosed() {
    return session.transportClosed();
  }

  @Override
  protected void failed(Throwable cause) {
    session.failed(cause);
  }

  @Override
  protected void close(Disconnect disconnect) {
    session.disconnect(disconnect);
  }

  @Override
  protected Identity reader() {
    return session.isIn(this) ? member : null;
  }

  /** The room's access changed and this member may no longer read it: it leaves the room, told why. */
  @Override
  protected void revoked(String reason) {
    session.revoked(this, reason);
  }
}
