package dev.hubbub.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;

/**
 * The events published on room feeds. Their JSON is also the WebSocket wire format, so a bridge can
 * forward an event's encoding unchanged.
 *
 * <p>Persisted events ({@code chat}, {@code edited}, {@code deleted}) carry the room's {@code seq};
 * presence events ({@code joined}, {@code left}, {@code roster}) are ephemeral and carry none.
 */
public final class Events {

  public static final String CHAT = "chat";
  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String ROSTER = "roster";
  public static final String EDITED = "edited";
  public static final String DELETED = "deleted";

  private Events() {
  }

  public static JsonObject chat(String room, String username, String text, long ts, long seq, String id) {
    return new JsonObject().put("type", CHAT).put("room", room).put("username", username).put("text", text)
        .put("ts", ts).put("seq", seq).put("id", id);
  }

  /** A message's new text; {@code id} names the chat message, {@code seq} is this edit's own place in the room. */
  public static JsonObject edited(String room, String id, String username, String text, long ts, long seq) {
    return new JsonObject().put("type", EDITED).put("room", room).put("id", id).put("username", username).put("text", text)
        .put("ts", ts).put("seq", seq);
  }

  /** A message was removed; {@code id} names the chat message, {@code seq} is this deletion's own place in the room. */
  public static JsonObject deleted(String room, String id, String username, long ts, long seq) {
    return new JsonObject().put("type", DELETED).put("room", room).put("id", id).put("username", username)
        .put("ts", ts).put("seq", seq);
  }

  public static JsonObject joined(String room, String username) {
    return new JsonObject().put("type", JOINED).put("room", room).put("username", username);
  }

  public static JsonObject left(String room, String username) {
    return new JsonObject().put("type", LEFT).put("room", room).put("username", username);
  }

  public static JsonObject roster(String room, Collection<String> users) {
    return new JsonObject().put("type", ROSTER).put("room", room).put("users", new JsonArray(users.stream().toList()));
  }

  /** Marks {@code event} as caused by a guest (a name nobody proved) when {@code guest}; registered users' events carry no flag. */
  public static JsonObject byGuest(boolean guest, JsonObject event) {
    return guest ? event.put("guest", true) : event;
  }

  /** The event's {@code seq}, or 0 for ephemeral events. */
  public static long seqOf(JsonObject event) {
    Long seq = event.getLong("seq");
    return seq == null ? 0 : seq;
  }
}
