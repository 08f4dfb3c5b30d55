package dev.hubbub.bridge;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One event from a room feed as a bridge instance received it. It is shared by every local session of
 * the room, so each wire encoding is computed at most once, on first use, however many sessions write it.
 */
public final class FeedEvent {

  private final JsonObject json;
  private String text;
  /** Other encodings by format; a handful at most, so a small map. */
  private Map<Object, Object> encodings;

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

  /**
   * The event in a transport's own format, computed by {@code encoder} on first use and shared afterwards.
   * {@code format} identifies the encoding (an enum constant of the bridge that owns it).
   */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Object format, Function<FeedEvent, T> encoder) {
    if (encodings == null) {
      encodings = new HashMap<>(4);
    }
    return (T) encodings.computeIfAbsent(format, f -> encoder.apply(this));
  }

  /** The event as JSON text: a WebSocket frame as is, and the data of an SSE JSON record. */
  public String text() {
    if (text == null) {
      text = json.encode();
    }
    return text;
  }
}
