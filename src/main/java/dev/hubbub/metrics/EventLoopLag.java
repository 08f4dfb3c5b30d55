package dev.hubbub.metrics;

import io.vertx.core.Vertx;

/**
 * Measures how late a periodic timer fires on the calling verticle's event loop: time the loop spent on
 * other work, or blocked. The timer belongs to the verticle, so it stops when the verticle is undeployed.
 */
public final class EventLoopLag {

  static final long PERIOD_MS = 500;

  private long expected;

  private EventLoopLag() {
  }

  /** Call from a verticle's start, on its event loop. */
  public static void watch(Vertx vertx) {
    EventLoopLag lag = new EventLoopLag();
    lag.expected = System.nanoTime() + PERIOD_MS * 1_000_000;
    vertx.setPeriodic(PERIOD_MS, PERIOD_MS, id -> lag.tick());
  }

  private void tick() {
    long now = System.nanoTime();
    HubMetrics.get().eventLoopLag(now - expected);
    expected = now + PERIOD_MS * 1_000_000;
  }
}
