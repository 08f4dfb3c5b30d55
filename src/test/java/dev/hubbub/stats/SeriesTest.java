package dev.hubbub.stats;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's chart series: buckets, percentiles, bounded memory. */
class SeriesTest {

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertEquals(50, Series.percentile(sorted, 50));
    assertEquals(95, Series.percentile(sorted, 95));
    assertEquals(99, Series.percentile(sorted, 99));
    assertEquals(0, Series.percentile(new long[0], 99));
  }

  @Test
  void aBucketCountsChatsLatencySlowConsumersAndConnections() {
    Series series = new Series();
    long t0 = 1_000_000_000L;
    for (int i = 1; i <= 10; i++) {
      series.chat(t0 + i, i * 10L);
    }
    series.slowConsumer(t0 + 20);
    series.connections(t0 + 30, Map.of("websocket", 3));
    JsonArray points = series.toJson(t0 + Series.BUCKET_MS - 1).getJsonArray("points");
    assertEquals(1, points.size());
    JsonObject p = points.getJsonObject(0);
    assertEquals(50L, p.getLong("p50"));
    assertEquals(100L, p.getLong("p99"));
    assertEquals(1L, p.getLong("slow"));
    assertEquals(3, p.getJsonObject("connections").getInteger("websocket"));
    assertEquals(1.0, p.getDouble("rate"), 0.01, "10 chats over a 10 s bucket");
  }

  @Test
  void onlyTheLastFifteenMinutesAreKeptAndSamplesAreBounded() {
    Series series = new Series();
    long t0 = 1_000_000_000L;
    for (long t = t0; t < t0 + 2 * Series.WINDOW_MS; t += Series.BUCKET_MS / 2) {
      series.chat(t, 5);
    }
    for (int i = 0; i < 10 * Series.SAMPLES; i++) {
      series.chat(t0 + 2 * Series.WINDOW_MS, i);
    }
    JsonArray points = series.toJson(t0 + 2 * Series.WINDOW_MS).getJsonArray("points");
    assertTrue(points.size() <= Series.BUCKETS, "at most " + Series.BUCKETS + " buckets: " + points.size());
    long first = points.getJsonObject(0).getLong("t");
    assertTrue(first > t0 + Series.WINDOW_MS - Series.BUCKET_MS, "old buckets are dropped");
  }
}
