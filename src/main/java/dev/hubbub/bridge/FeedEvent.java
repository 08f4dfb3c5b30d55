package dev.hubbub.bridge;

import io.vertx.core.json.JsonObject;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One event from a room feed as a bridge instance received it. It is shared by every local session of
 * the room, so each wire encoding is computed at most once, on first use, however many sessions write it.
 */
public final class FeedEvent {

  private final JsonObject json;
  private String text;
  private Map<Encoding<?>, Object> encodings;

  /**
   * One wire rendering of an event, e.g. an SSE JSON record, an SSE HTML fragment record or an event-bus
   * bridge frame. Instances are the cache keys, so a bridge keeps one instance per format and shares it
   * between its sessions.
   */
  @FunctionalInterface
  public interface Encoding<T> {
    T encode(FeedEvent event);
  }

  public FeedEvent(JsonObject json) {
    this.json = json;
  }

  public JsonObject json() {
    return json;
  }

  public String type() {
    return json.getString("type");
  }

  /** The room seq of a persisted event, 0 for presence events. */
  public long seq() {
    Long seq = json.getLong("seq");
    return seq == null ? 0 : seq;
  }

  /** The event as JSON text: a WebSocket frame as is, and the data of an SSE JSON record. */
  public String text() {
    if (text == null) {
      text = json.encode();
    }
    return text;
  }

  /** The event in {@code encoding}'s format, computed on first use and shared by every later caller. */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Encoding<T> encoding) {
    if (encodings == null) {
      encodings = new IdentityHashMap<>(4);
    }
    return (T) encodings.computeIfAbsent(encoding, e -> e.encode(this));
  }
}
