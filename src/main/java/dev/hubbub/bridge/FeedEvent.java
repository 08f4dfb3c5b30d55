package dev.hubbub.bridge;

import io.vertx.core.json.JsonObject;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One event from a room feed as a bridge instance received it. It is shared by every local session of
 * the room, so each wire encoding is computed at most once, on first use, however many sessions write it;
 * an event that came with a publication key shares its encodings with the node's other bridge instances.
 */
public final class FeedEvent {

  /** The event as JSON text: a WebSocket frame as is, and the data of an SSE JSON record. */
  private static final Encoding<String> JSON_TEXT = Encoding.of("json", e -> e.json.encode());

  private final JsonObject json;
  /** {@link dev.hubbub.feed.Addresses#EVENT_KEY_HEADER} of the publication; null for events made locally. */
  private final String key;
  private final SharedEncodings shared;
  private Map<Encoding<?>, Object> encodings;

  /**
   * One wire rendering of an event, e.g. an SSE JSON record, an SSE HTML fragment record or an event-bus
   * bridge frame. The name identifies the format between bridge instances, so it must be unique per format.
   */
  public static final class Encoding<T> {
    private final String name;
    private final Function<FeedEvent, T> encoder;

    private Encoding(String name, Function<FeedEvent, T> encoder) {
      this.name = Objects.requireNonNull(name);
      this.encoder = encoder;
    }

    public static <T> Encoding<T> of(String name, Function<FeedEvent, T> encoder) {
      return new Encoding<>(name, encoder);
    }
  }

  /** An event made locally (a replay, a snapshot): its encodings are cached in it alone. */
  public FeedEvent(JsonObject json) {
    this(json, null, null);
  }

  FeedEvent(JsonObject json, String key, SharedEncodings shared) {
    this.json = json;
    this.key = key;
    this.shared = shared;
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
    return encoded(JSON_TEXT);
  }

  /** The event in {@code encoding}'s format, computed on first use and shared by every later caller. */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Encoding<T> encoding) {
    if (encodings == null) {
      encodings = new IdentityHashMap<>(4);
    }
    // get, then put: an encoding may itself use another (the SSE JSON record uses the JSON text).
    Object value = encodings.get(encoding);
    if (value == null) {
      value = key == null || shared == null
          ? encoding.encoder.apply(this)
          : shared.computeIfAbsent(encoding.name + ' ' + key, () -> encoding.encoder.apply(this));
      encodings.put(encoding, value);
    }
    return (T) value;
  }
}
