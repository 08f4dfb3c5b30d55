package dev.hubbub.bridge;

import dev.hubbub.cluster.FeedGaps;
import dev.hubbub.feed.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The local sessions of each room for one bridge instance, with one event-bus consumer per room that
 * fans each event out to them. The consumer is registered for the first session of a room and removed
 * with the last. Confined to the owning verticle's event loop.
 *
 * <p>Delivery to one session never affects another: a session whose delivery throws (typically a socket
 * closed but not yet removed) is stopped, aborted and removed, and the event still reaches every other
 * session of the room.
 */
public final class RoomFanout<S extends FeedSession> {

  private static final Logger log = LoggerFactory.getLogger(RoomFanout.class);

  private final EventBus bus;
  private final SharedEncodings encodings;
  private final FeedGaps gaps;
  private final Map<String, Room<S>> rooms = new HashMap<>();

  private static final class Room<S> {
    final Set<S> sessions = new LinkedHashSet<>();
    MessageConsumer<JsonObject> consumer;
  }

  public RoomFanout(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.encodings = SharedEncodings.of(vertx);
    this.gaps = FeedGaps.of(vertx);
  }

  /**
   * Adds {@code session} to {@code room}. The future completes once the room's consumer is registered
   * (at once when it already was), so a command sent after it cannot produce an event we miss.
   */
  public Future<Void> add(String room, S session) {
    Room<S> r = rooms.get(room);
    if (r == null) {
      Room<S> created = new Room<>();
      // Cluster hook: FeedGaps keeps the feed gap-free and ordered across nodes (a pass-through on a single hub).
      created.consumer = bus.consumer(Addresses.roomFeed(room), msg -> gaps.accept(room, msg.body(),
          msg.headers().get(Addresses.EVENT_KEY_HEADER),
          (json, key) -> fanOut(room, created, key == null ? new FeedEvent(json) : new FeedEvent(json, key, encodings))));
      rooms.put(room, created);
      r = created;
    }
    r.sessions.add(session);
    return r.consumer.completion();
  }

  public void remove(String room, S session) {
    Room<S> r = rooms.get(room);
    if (r != null && r.sessions.remove(session) && r.sessions.isEmpty()) {
      rooms.remove(room);
      gaps.forget(room);
      r.consumer.unregister();
    }
  }

  /** Local sessions per room, for metrics. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new HashMap<>();
    rooms.forEach((room, r) -> counts.put(room, r.sessions.size()));
    return counts;
  }

  private void fanOut(String name, Room<S> room, FeedEvent event) {
    // Copy: a delivery may close a slow session, which removes it from the set.
    for (S session : new ArrayList<>(room.sessions)) {
      try {
        session.deliver(event);
      } catch (RuntimeException e) {
        // Contained: this session is finished, the others still get the event.
        log.debug("delivery to a session of room {} failed, dropping it: {}", name, e.toString());
        remove(name, session);
        session.abort(e);
      }
    }
  }
}
