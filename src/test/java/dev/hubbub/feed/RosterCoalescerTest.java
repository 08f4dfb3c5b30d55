package dev.hubbub.feed;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coalescing rule on a fake clock: no sockets, no event loop. */
class RosterCoalescerTest {

  /** A manual clock: tasks run when {@link #advance} passes their time. */
  private static final class FakeTimers implements RosterCoalescer.Scheduler {
    record Task(long due, long order, Runnable run) {
    }

    long now;
    long order;
    final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));

    @Override
    public void schedule(long delayMs, Runnable task) {
      tasks.add(new Task(now + delayMs, order++, task));
    }

    void advance(long ms) {
      long until = now + ms;
      while (!tasks.isEmpty() && tasks.peek().due <= until) {
        Task task = tasks.poll();
        now = task.due;
        task.run.run();
      }
      now = until;
    }
  }

  private final FakeTimers timers = new FakeTimers();
  private final Map<String, List<String>> members = new HashMap<>();
  /** Every roster published: room and the members it listed. */
  private final List<String> published = new ArrayList<>();
  private final RosterCoalescer coalescer = new RosterCoalescer(timers,
      room -> members.getOrDefault(room, List.of()).size(),
      room -> published.add(room + "=" + members.getOrDefault(room, List.of())));

  private void join(String room, String name) {
    members.computeIfAbsent(room, r -> new ArrayList<>()).add(name);
    coalescer.changed(room);
  }

  @Test
  void aChangeInAQuietRoomIsPublishedAtOnce() {
    join("a", "alice");
    assertEquals(List.of("a=[alice]"), published);
  }

  @Test
  void aBurstBecomesOneRosterAtTheEndOfTheWindowWithEveryone() {
    join("a", "m0");
    for (int i = 1; i < 1000; i++) {
      join("a", "m" + i);
      timers.advance(1); // a join every millisecond
    }
    timers.advance(RosterCoalescer.MAX_INTERVAL_MS * 3);
    // The first join went out at once; the other 999, over a second, in a handful of rosters.
    assertTrue(published.size() <= 10, published.size() + " rosters");
    String last = published.get(published.size() - 1);
    assertTrue(last.endsWith("m998, m999]"), last);
    assertEquals(1000, last.split(",").length);
    assertEquals(0, coalescer.open(), "quiet rooms are forgotten");
  }

  @Test
  void theLastChangeIsAlwaysPublishedAfterIt() {
    join("a", "alice");
    timers.advance(5);
    join("a", "bob");
    assertEquals(List.of("a=[alice]"), published, "bob waits for the window");
    timers.advance(RosterCoalescer.MIN_INTERVAL_MS);
    assertEquals(List.of("a=[alice]", "a=[alice, bob]"), published);
    // The window after bob's roster sees no change: it closes, and the next change goes out at once again.
    timers.advance(RosterCoalescer.MIN_INTERVAL_MS);
    assertEquals(0, coalescer.open());
    members.get("a").remove("alice");
    coalescer.changed("a");
    assertEquals("a=[bob]", published.get(published.size() - 1));
  }

  @Test
  void roomsAreCoalescedSeparately() {
    join("a", "alice");
    join("b", "bob");
    join("a", "carol");
    join("b", "dave");
    assertEquals(List.of("a=[alice]", "b=[bob]"), published);
    timers.advance(RosterCoalescer.MIN_INTERVAL_MS);
    assertEquals(List.of("a=[alice]", "b=[bob]", "a=[alice, carol]", "b=[bob, dave]"), published);
  }

  @Test
  void anEmptiedRoomStillGetsItsEmptyRoster() {
    join("a", "alice");
    members.remove("a");
    coalescer.changed("a");
    timers.advance(RosterCoalescer.MIN_INTERVAL_MS);
    assertEquals(List.of("a=[alice]", "a=[]"), published);
  }

  @Test
  void biggerRoomsWaitLongerWithinBounds() {
    assertEquals(RosterCoalescer.MIN_INTERVAL_MS, RosterCoalescer.intervalMs(1));
    assertEquals(500, RosterCoalescer.intervalMs(500));
    assertEquals(RosterCoalescer.MAX_INTERVAL_MS, RosterCoalescer.intervalMs(100_000));
  }
}
