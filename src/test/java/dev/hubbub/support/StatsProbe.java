package dev.hubbub.support;

import dev.hubbub.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Waits, bounded, for a published live-figures snapshot that satisfies a condition. */
public final class StatsProbe {

  public static final long TIMEOUT_MS = 10_000;

  private StatsProbe() {
  }

  public static Future<JsonObject> await(Vertx vertx, Predicate<JsonObject> condition) {
    return await(vertx, condition, TIMEOUT_MS);
  }

  public static Future<JsonObject> await(Vertx vertx, Predicate<JsonObject> condition, long timeoutMs) {
    Promise<JsonObject> found = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.STATS_FEED, msg -> {
      if (condition.test(msg.body())) {
        found.tryComplete(msg.body());
      }
    });
    long timer = vertx.setTimer(timeoutMs, t -> found.tryFail(new TimeoutException("no matching stats snapshot within " + timeoutMs + " ms")));
    return found.future().onComplete(r -> {
      vertx.cancelTimer(timer);
      consumer.unregister();
    });
  }

  /** Open connections of {@code transport} in {@code snapshot}. */
  public static int connections(JsonObject snapshot, String transport) {
    return snapshot.getJsonObject("connections").getInteger(transport, 0);
  }
}
