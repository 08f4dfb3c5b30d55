package dev.hubbub.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.function.Function;

/**
 * A room event as it travels the feed, with its wire forms as bytes. One instance reaches every consumer
 * of the node (the local codec passes it by reference), so each form is built at most once per node, on
 * first use, by whichever event loop needs it first, and every subscriber is handed the same bytes.
 * Thread-safe: the forms are published under the event's own lock, held for the microseconds one build takes.
 */
public final class FeedEvent {

  /** The forms built around {@link #json()}; each has one slot per event. */
  public enum Form {
    /** An SSE record whose data is the JSON. */
    SSE_JSON,
    /** An SSE record whose data is the HTML fragment. */
    SSE_HTML,
    /** A SockJS bridge delivery on the room's feed address. */
    SOCKJS,
    /** A TCP bridge delivery, length-prefixed. */
    TCP
  }

  private static final int FORMS = Form.values().length;

  private final RoomEvent event;
  private volatile Buffer json;
  private volatile Buffer[] forms;

  public FeedEvent(RoomEvent event) {
    this.event = Objects.requireNonNull(event);
  }

  /** An event that came as JSON bytes (over the cluster): they are its JSON form as they are. */
  FeedEvent(RoomEvent event, Buffer json) {
    this(event);
    this.json = json;
  }

  public RoomEvent event() {
    return event;
  }

  public String room() {
    return event.room();
  }

  public String type() {
    return event.type();
  }

  public long seq() {
    return event.seq();
  }

  /** A fresh JSON object of the event (for renderers that need fields by name). */
  public JsonObject toJson() {
    return event.toJson();
  }

  /** The JSON as UTF-8 bytes: a WebSocket text frame's payload, and the data of an SSE JSON record. */
  public Buffer json() {
    Buffer built = json;
    if (built == null) {
      synchronized (this) {
        built = json;
        if (built == null) {
          built = JsonForm.of(event);
          json = built;
        }
      }
    }
    return built;
  }

  /**
   * The event in {@code form}, built by {@code build} on the first call for this event on this node and
   * the same bytes for every later caller (whose {@code build} is not called). Every caller must pass a
   * builder that gives the same bytes for the form.
   */
  public Buffer form(Form form, Function<FeedEvent, Buffer> build) {
    Buffer[] built = forms;
    Buffer value = built == null ? null : built[form.ordinal()];
    if (value != null) {
      return value;
    }
    synchronized (this) {
      Buffer[] current = forms == null ? new Buffer[FORMS] : forms.clone();
      value = current[form.ordinal()];
      if (value == null) {
        // Reentrant: a form may use another one (the SSE JSON record uses the JSON bytes).
        value = build.apply(this);
        current[form.ordinal()] = value;
        forms = current; // a volatile write: readers without the lock see every slot fully built
      }
      return value;
    }
  }

  @Override
  public String toString() {
    return event.toString();
  }
}
