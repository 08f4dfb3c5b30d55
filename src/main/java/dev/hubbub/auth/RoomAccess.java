package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Asks the core ({@link Addresses#ACCESS}) what an identity may do in a room. The core's own commands use
 * it before they act, and the room page before it renders (bridges subscribe through {@link Addresses#SUBSCRIBE},
 * which decides access in the core). Callable from any
 * event loop: it only sends a request and completes on the caller's context.
 */
public final class RoomAccess {

  /** The core's answer; {@code code}/{@code reason} explain the first refusal, 0/null when nothing was refused. */
  public record Verdict(String room, boolean read, boolean write, boolean membersOnly, int code, String reason) {

    static Verdict of(JsonObject reply) {
      return new Verdict(reply.getString("room"), reply.getBoolean("read", false), reply.getBoolean("write", false),
          reply.getBoolean("private", false), reply.getInteger("code", 0), reply.getString("reason"));
    }

    /** Fails unless reading is allowed, with the core's code (401/403) and a message fit for the user. */
    public Future<Verdict> requireRead() {
      return read ? Future.succeededFuture(this) : Future.failedFuture(refusal());
    }

    public Future<Verdict> requireWrite() {
      return write ? Future.succeededFuture(this) : Future.failedFuture(refusal());
    }

    public Failure.Rejected refusal() {
      return new Failure.Rejected(code == 0 ? Failure.FORBIDDEN : code, reason == null ? "not allowed in room '" + room + "'" : reason);
    }
  }

  private RoomAccess() {
  }

  /** What {@code who} may do in {@code room}; {@code claim}: a registered user takes an unowned room (joins and posts do). */
  public static Future<Verdict> check(EventBus bus, String room, Identity who, boolean claim) {
    JsonObject query = who.into(new JsonObject().put("room", room));
    if (claim) {
      query.put("claim", true);
    }
    return bus.<JsonObject>request(Addresses.ACCESS, query).map(Message::body).map(Verdict::of);
  }

  /** Completes when {@code who} may read {@code room}; fails with a {@link Failure.Rejected} 401/403 otherwise. */
  public static Future<Verdict> requireRead(EventBus bus, String room, Identity who) {
    return check(bus, room, who, false).compose(Verdict::requireRead);
  }
}
