package dev.hubbub.bridge;

import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The one request that subscribes a client to a room ({@link Addresses#SUBSCRIBE}: access, the join or the
 * roster, and the history in one reply), as every transport sends it and reads its reply. Send it once the
 * session is subscribed to the room's feed ({@link SessionEngine#subscribe}), so nothing published
 * meanwhile is missed: {@link FeedSession} drops by {@code seq} what the reply's history covers.
 */
public final class Subscribe {

  private Subscribe() {
  }

  /**
   * A successful reply. {@link #users}: the roster as joined, or as it is now for a watcher. The history,
   * as {@link Addresses#HISTORY} answers it, unless {@link #historyFailure} says why it could not be read.
   */
  public record Reply(JsonObject body) {

    public JsonArray users() {
      return body.getJsonArray("users", new JsonArray());
    }

    public List<String> userList() {
      List<String> users = new ArrayList<>();
      users().forEach(u -> users.add(String.valueOf(u)));
      return users;
    }

    public List<JsonObject> messages() {
      List<JsonObject> events = new ArrayList<>();
      body.getJsonArray("messages", new JsonArray()).forEach(e -> events.add((JsonObject) e));
      return events;
    }

    public boolean truncated() {
      return body.getBoolean("truncated", false);
    }

    public String epoch() {
      return body.getString("epoch", "");
    }

    /** Why the history could not be read ({@link Failure.Rejected#code} and a message for the user), or null. */
    public Failure.Rejected historyFailure() {
      JsonObject error = body.getJsonObject("historyError");
      return error == null ? null : new Failure.Rejected(error.getInteger("code", 500), error.getString("message"));
    }
  }

  /** {@code member} joins {@code room} as connection {@code session}, resuming after {@code since} in {@code epoch} (nulls: the latest). */
  public static JsonObject join(String room, Identity member, String session, Long since, String epoch) {
    return history(member.into(new JsonObject().put("room", room).put("join", true).put("session", session)), since, epoch);
  }

  /** {@code reader} watches {@code room} without joining; {@code limit} caps a replay without {@code since} (null: the hub's). */
  public static JsonObject watch(String room, Identity reader, Long since, String epoch, Integer limit) {
    JsonObject request = history(reader.into(new JsonObject().put("room", room)), since, epoch);
    if (since == null && limit != null) {
      request.put("limit", limit);
    }
    return request;
  }

  /** Sends {@code request}; a refusal fails with the core's code and message (401, 403, 409 ...). */
  public static Future<Reply> send(EventBus bus, JsonObject request) {
    return bus.<JsonObject>request(Addresses.SUBSCRIBE, request).map(Message::body).map(Reply::new);
  }

  private static JsonObject history(JsonObject request, Long since, String epoch) {
    if (since != null) {
      request.put("since", since).put("epoch", epoch);
    }
    return request;
  }
}
