package dev.hubbub.feed;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Decides when a room's {@code roster} event goes out, so a burst of joins or leaves costs a few rosters
 * rather than one full roster per change to every member (a 1,000-member join storm would otherwise be
 * about 500,000 roster frames).
 *
 * <p>The contract: after every {@link #changed}, the room's roster is published at least once more, and
 * no earlier than the change, so every member ends with the true roster. A change in a quiet room is
 * published at once (the roster follows its {@code joined}/{@code left} as before). Then the room's
 * window opens for {@link #intervalMs} (longer for bigger rooms, whose rosters cost more): changes inside
 * it are gathered into one roster at the window's end, which opens the next window. A window that ends
 * without changes closes, and the room is forgotten, so state is held only for rooms changing now.
 *
 * <p>Confined to the owner's event loop, like the rosters themselves: no locks.
 */
final class RosterCoalescer {

  static final long MIN_INTERVAL_MS = 20;
  static final long MAX_INTERVAL_MS = 1000;

  /** Runs a task after a delay on the owner's event loop ({@code vertx.setTimer} in production). */
  interface Scheduler {
    void schedule(long delayMs, Runnable task);
  }

  private final Scheduler scheduler;
  private final ToIntFunction<String> size;
  private final Consumer<String> publish;
  /** Rooms whose window is open → whether they changed since their last roster. */
  private final Map<String, Boolean> windows = new HashMap<>();

  /**
   * @param size    how many members a room has now
   * @param publish publishes the room's current roster
   */
  RosterCoalescer(Scheduler scheduler, ToIntFunction<String> size, Consumer<String> publish) {
    this.scheduler = scheduler;
    this.size = size;
    this.publish = publish;
  }

  /** The room's members changed: its roster will follow, now or at the end of its window. */
  void changed(String room) {
    if (windows.containsKey(room)) {
      windows.put(room, true);
      return;
    }
    publish.accept(room);
    open(room);
  }

  /** One millisecond per member, within [{@value #MIN_INTERVAL_MS}, {@value #MAX_INTERVAL_MS}] ms. */
  static long intervalMs(int members) {
    return Math.max(MIN_INTERVAL_MS, Math.min(MAX_INTERVAL_MS, members));
  }

  /** Rooms with an open window; for tests and to show the state stays bounded. */
  int open() {
    return windows.size();
  }

  private void open(String room) {
    windows.put(room, false);
    scheduler.schedule(intervalMs(size.applyAsInt(room)), () -> close(room));
  }

  private void close(String room) {
    if (Boolean.TRUE.equals(windows.remove(room))) {
      publish.accept(room);
      open(room);
    }
  }
}
