package dev.hubbub.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * What happens in a room, as published on its feed: immutable values, so one instance can be handed to
 * every subscriber on every event loop without a copy. Their JSON ({@link #toJson}) is the wire format
 * every transport sends, field for field and in this order.
 *
 * <p>Persisted events ({@link Chat}, {@link Edited}, {@link Deleted}) carry the room's {@code seq};
 * presence events ({@link Joined}, {@link Left}, {@link Roster}) are ephemeral and carry none (0).
 * {@code guest} marks an event caused by a guest; it is written only when true.
 */
public sealed interface RoomEvent {

  String room();

  /** The wire {@code type}. */
  String type();

  /** The room seq of a persisted event, 0 for presence events. */
  default long seq() {
    return 0;
  }

  /** A fresh JSON object with the wire fields, in wire order. */
  JsonObject toJson();

  /**
   * An event the sequencer stores ({@link Chat}, {@link Edited}, {@link Deleted}): it names a message,
   * its author and its time, and takes its room's {@code seq} when its batch is planned.
   */
  sealed interface Persisted extends RoomEvent {
    /** The message: a chat's own id, or the chat an edit or deletion names. */
    String id();

    String username();

    long ts();

    boolean guest();

    /** The same event at {@code seq}. */
    Persisted withSeq(long seq);
  }

  record Chat(String room, String username, String text, long ts, long seq, String id, boolean guest) implements Persisted {
    @Override
    public String type() {
      return "chat";
    }

    @Override
    public Chat withSeq(long seq) {
      return new Chat(room, username, text, ts, seq, id, guest);
    }

    @Override
    public JsonObject toJson() {
      return withGuest(new JsonObject().put("type", type()).put("room", room).put("username", username).put("text", text)
          .put("ts", ts).put("seq", seq).put("id", id), guest);
    }
  }

  /** A message's new text; {@code id} names the chat message, {@code seq} is this edit's own place in the room. */
  record Edited(String room, String id, String username, String text, long ts, long seq, boolean guest) implements Persisted {
    @Override
    public String type() {
      return "edited";
    }

    @Override
    public Edited withSeq(long seq) {
      return new Edited(room, id, username, text, ts, seq, guest);
    }

    @Override
    public JsonObject toJson() {
      return withGuest(new JsonObject().put("type", type()).put("room", room).put("id", id).put("username", username)
          .put("text", text).put("ts", ts).put("seq", seq), guest);
    }
  }

  /** A message was removed; {@code id} names the chat message, {@code seq} is this deletion's own place. */
  record Deleted(String room, String id, String username, long ts, long seq, boolean guest) implements Persisted {
    @Override
    public String type() {
      return "deleted";
    }

    @Override
    public Deleted withSeq(long seq) {
      return new Deleted(room, id, username, ts, seq, guest);
    }

    @Override
    public JsonObject toJson() {
      return withGuest(new JsonObject().put("type", type()).put("room", room).put("id", id).put("username", username)
          .put("ts", ts).put("seq", seq), guest);
    }
  }

  record Joined(String room, String username, boolean guest) implements RoomEvent {
    @Override
    public String type() {
      return "joined";
    }

    @Override
    public JsonObject toJson() {
      return withGuest(new JsonObject().put("type", type()).put("room", room).put("username", username), guest);
    }
  }

  record Left(String room, String username, boolean guest) implements RoomEvent {
    @Override
    public String type() {
      return "left";
    }

    @Override
    public JsonObject toJson() {
      return withGuest(new JsonObject().put("type", type()).put("room", room).put("username", username), guest);
    }
  }

  /** Everyone present in the room now. */
  record Roster(String room, List<String> users) implements RoomEvent {
    public Roster {
      users = List.copyOf(users);
    }

    @Override
    public String type() {
      return "roster";
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", type()).put("room", room).put("users", new JsonArray(users));
    }
  }

  /**
   * The typed form of a feed event's JSON (as the core builds it, or as it crossed the cluster).
   *
   * @throws IllegalArgumentException for a JSON that is no room event
   */
  static RoomEvent fromJson(JsonObject json) {
    String type = json.getString("type");
    boolean guest = Boolean.TRUE.equals(json.getValue("guest"));
    try {
      String room = Objects.requireNonNull(json.getString("room"), "room");
      return switch (type == null ? "" : type) {
        case "chat" -> new Chat(room, json.getString("username"), json.getString("text"), json.getLong("ts"),
            json.getLong("seq"), json.getString("id"), guest);
        case "edited" -> new Edited(room, json.getString("id"), json.getString("username"), json.getString("text"),
            json.getLong("ts"), json.getLong("seq"), guest);
        case "deleted" -> new Deleted(room, json.getString("id"), json.getString("username"), json.getLong("ts"),
            json.getLong("seq"), guest);
        case "joined" -> new Joined(room, json.getString("username"), guest);
        case "left" -> new Left(room, json.getString("username"), guest);
        case "roster" -> new Roster(room, json.getJsonArray("users").stream().map(String::valueOf).toList());
        default -> throw new IllegalArgumentException("not a room event: type " + type);
      };
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("malformed " + type + " event: " + e.getMessage(), e);
    }
  }

  private static JsonObject withGuest(JsonObject json, boolean guest) {
    return guest ? json.put("guest", true) : json;
  }
}
