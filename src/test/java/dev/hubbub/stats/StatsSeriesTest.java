package dev.hubbub.stats;

import dev.hubbub.support.ChatPage;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live figures carry the chart series: stored chats with their latency, slow-consumer disconnects. */
@ExtendWith(VertxExtension.class)
class StatsSeriesTest {

  private static JsonObject latest(JsonObject snapshot) {
    JsonArray points = snapshot.getJsonObject("series").getJsonArray("points");
    return points.getJsonObject(points.size() - 1);
  }

  private static long total(JsonObject snapshot, String field) {
    return snapshot.getJsonObject("series").getJsonArray("points").stream()
        .mapToLong(p -> ((JsonObject) p).getLong(field, 0L)).sum();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void chatsAndSlowConsumerDisconnectsReachTheSeries(Vertx vertx) throws Exception {
    TestHub hub = TestHub.start(vertx, new JsonObject().put("stats", new JsonObject().put("intervalMs", 50))).await(30, TimeUnit.SECONDS);
    ChatPage.post(hub.port, "series", "poster", "one");
    JsonObject withChat = StatsProbe.await(vertx, s -> s.containsKey("series") && latest(s).getLong("p50", 0L) >= 0
        && s.getLong("messages", 0L) == 1).await(20, TimeUnit.SECONDS);
    assertTrue(latest(withChat).containsKey("p99"), withChat.encode());

    // What a bridge does when it closes a slow consumer.
    vertx.runOnContext(v -> ConnectionReporter.slowConsumerClosed(ConnectionReporter.WEBSOCKET));
    StatsProbe.await(vertx, s -> total(s, "slow") == 1).await(20, TimeUnit.SECONDS);
  }
}
