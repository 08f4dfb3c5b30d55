package dev.hubbub.support;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on futures from a test's own thread. */
public final class Await {

  private Await() {
  }

  /** How {@code future} failed; a test failure when it succeeds, and the timeout itself when it never ends. */
  public static Throwable failure(Future<?> future, long seconds) throws Exception {
    try {
      future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw e;
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }
}
