package dev.hubbub.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * The reply to a {@link WriteCommand}, sent only once the write is committed: the message's {@code id},
 * the write's own {@code seq} and {@code ts}. {@code duplicate}: a chat whose {@code cid} its author had
 * already used in the room, answered with the first message's ack and nothing stored. Its JSON is the
 * reply a JSON sender of {@link Addresses#CHAT}, EDIT or DELETE reads.
 */
public record Ack(String id, long seq, long ts, boolean duplicate) {

  public Ack {
    Objects.requireNonNull(id, "id");
  }

  /** The ack of a stored message as a store reads it back ({@code {id, seq, ts}}). */
  public static Ack of(JsonObject stored) {
    return new Ack(stored.getString("id"), stored.getLong("seq"), stored.getLong("ts"), false);
  }

  /** The same ack, for a repeated cid. */
  public Ack asDuplicate() {
    return new Ack(id, seq, ts, true);
  }

  /** {@code {id, seq, ts}}, with {@code duplicate: true} only for a repeated cid. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("seq", seq).put("ts", ts);
    return duplicate ? json.put("duplicate", true) : json;
  }

  static Ack fromWire(JsonObject json) {
    return new Ack(json.getString("id"), json.getLong("seq"), json.getLong("ts"), Boolean.TRUE.equals(json.getValue("duplicate")));
  }
}
