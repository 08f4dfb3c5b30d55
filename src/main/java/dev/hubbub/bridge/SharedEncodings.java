package dev.hubbub.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wire encodings of recent feed events, shared by every bridge instance of this node: each instance has
 * its own bus consumer and its own copy of an event, and the first to need a format encodes it for all.
 * Bounded: the oldest entries go first, and an instance that asks after that simply encodes again.
 */
final class SharedEncodings implements Shareable {

  /** Instances handle the same event within moments of each other, so a short memory is enough. */
  static final int CAPACITY = 1024;

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Queue<String> oldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  /** The node's one instance (a {@link Shareable} is stored in a local map as is, not copied). */
  static SharedEncodings of(Vertx vertx) {
    return (SharedEncodings) vertx.sharedData().getLocalMap("hubbub.bridge")
        .computeIfAbsent("encodings", k -> new SharedEncodings());
  }

  /** The value for {@code key}, computed by {@code encode} only if no instance has done it yet. */
  Object computeIfAbsent(String key, Supplier<Object> encode) {
    Slot slot = slots.get(key);
    if (slot == null) {
      Slot created = new Slot();
      slot = slots.putIfAbsent(key, created);
      if (slot == null) {
        slot = created;
        remember(key);
      }
    }
    return slot.get(encode);
  }

  /** Notes a new slot, and forgets the oldest one once over capacity. */
  private void remember(String added) {
    oldestFirst.add(added);
    if (size.incrementAndGet() > CAPACITY) {
      String oldest = oldestFirst.poll();
      if (oldest != null) {
        slots.remove(oldest);
        size.decrementAndGet();
      }
    }
  }

  /**
   * One encoding of one event. Encoding happens outside the map (an encoding may use another, e.g. the SSE
   * JSON record uses the JSON text) under the slot's own lock, held for the microseconds one encode takes.
   */
  private static final class Slot {
    private volatile Object value;

    Object get(Supplier<Object> encode) {
      Object v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = encode.get();
            value = v;
          }
        }
      }
      return v;
    }
  }

  int size() {
    return slots.size();
  }
}
