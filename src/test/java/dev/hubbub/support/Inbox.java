package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Items a test client received, read in arrival order; a reader waits, bounded, for the next one.
 * Thread-safe: a connection's handler runs on its own event loop while a test's future chain may read
 * from another, and a lost wake-up there once hung a test until its time-out.
 */
final class Inbox<T> {

  /** Generous: on a loaded 2-core machine a whole JVM was seen to stall for 3 s at a time. */
  static final long TIMEOUT_MS = 20_000;

  private final Vertx vertx;
  private final String what;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ArrayDeque<Promise<T>> waiters = new ArrayDeque<>();

  /** {@code what} names the items in the time-out message, e.g. "frame". */
  Inbox(Vertx vertx, String what) {
    this.vertx = vertx;
    this.what = what;
  }

  void add(T item) {
    Promise<T> waiter;
    synchronized (this) {
      waiter = waiters.pollFirst();
      if (waiter == null) {
        items.addLast(item);
        return;
      }
    }
    waiter.complete(item); // outside the lock: the reader's continuation runs here
  }

  Future<T> next() {
    Promise<T> waiter = Promise.promise();
    synchronized (this) {
      T item = items.pollFirst();
      if (item != null) {
        return Future.succeededFuture(item);
      }
      waiters.addLast(waiter);
    }
    long timer = vertx.setTimer(TIMEOUT_MS, t -> {
      synchronized (this) {
        if (!waiters.remove(waiter)) {
          return; // an item won the race
        }
      }
      waiter.fail(new TimeoutException("no " + what + " within " + TIMEOUT_MS + " ms"));
    });
    return waiter.future().onComplete(r -> vertx.cancelTimer(timer));
  }

  /** The oldest unread item, or null; never waits. */
  synchronized T poll() {
    return items.pollFirst();
  }

  synchronized List<T> drain() {
    List<T> all = new ArrayList<>(items);
    items.clear();
    return all;
  }

  synchronized int size() {
    return items.size();
  }
}
