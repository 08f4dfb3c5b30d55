package dev.hubbub.stats;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open event streams per room on this node: the people watching a room page (and {@code EventSource} clients),
 * who read without joining, so they are not in the roster. One per Vert.x instance, shared by the SSE bridge
 * instances of every event loop; a room's entry goes with its last stream, so the map holds only watched rooms.
 */
public final class Watchers implements Shareable {

  private static final String KEY = "hubbub.watchers";
  private final ConcurrentHashMap<String, AtomicInteger> rooms = new ConcurrentHashMap<>();

  public static Watchers of(Vertx vertx) {
    return (Watchers) vertx.sharedData().getLocalMap(KEY).computeIfAbsent(KEY, k -> new Watchers());
  }

  /** A stream on {@code room} opened; {@link #closed} must follow once. */
  public void opened(String room) {
    rooms.compute(room, (r, n) -> {
      AtomicInteger count = n == null ? new AtomicInteger() : n;
      count.incrementAndGet();
      return count;
    });
  }

  public void closed(String room) {
    rooms.computeIfPresent(room, (r, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** Streams open on {@code room} now. */
  public int count(String room) {
    AtomicInteger count = rooms.get(room);
    return count == null ? 0 : count.get();
  }
}
