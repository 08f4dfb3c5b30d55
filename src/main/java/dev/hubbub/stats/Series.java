package dev.hubbub.stats;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's charts over the last {@link #WINDOW_MS}: fixed buckets of {@link #BUCKET_MS}, each with
 * the chats stored, delivery latency percentiles, slow-consumer disconnects and the connections per
 * transport at its end. Memory is bounded: {@link #BUCKETS} buckets of at most {@link #SAMPLES} latency
 * samples each. Confined to the stats verticle's event loop, like the rest of the figures.
 */
final class Series {

  static final long WINDOW_MS = 15 * 60_000L;
  static final long BUCKET_MS = 10_000L;
  static final int BUCKETS = (int) (WINDOW_MS / BUCKET_MS);
  /** Latency samples kept per bucket; past it each new one replaces a random one (a fair sample). */
  static final int SAMPLES = 512;

  private static final class Bucket {
    final long start;
    long chats;
    long slow;
    long seen;
    final long[] latencies = new long[SAMPLES];
    int samples;
    Map<String, Integer> connections = Map.of();

    Bucket(long start) {
      this.start = start;
    }
  }

  private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();
  private final java.util.Random random = new java.util.Random();

  private Bucket current(long now) {
    long start = now - now % BUCKET_MS;
    Bucket last = buckets.peekLast();
    if (last == null || last.start != start) {
      Map<String, Integer> carried = last == null ? Map.of() : last.connections;
      last = new Bucket(start);
      last.connections = carried;
      buckets.addLast(last);
      while (buckets.size() > BUCKETS || buckets.peekFirst().start <= now - WINDOW_MS) {
        buckets.removeFirst();
      }
    }
    return last;
  }

  /** A chat was stored; {@code latencyMs} is how long after its timestamp it reached this node's consumers. */
  void chat(long now, long latencyMs) {
    Bucket b = current(now);
    b.chats++;
    b.seen++;
    if (b.samples < SAMPLES) {
      b.latencies[b.samples++] = latencyMs;
    } else {
      long slot = (long) (random.nextDouble() * b.seen);
      if (slot < SAMPLES) {
        b.latencies[(int) slot] = latencyMs;
      }
    }
  }

  void slowConsumer(long now) {
    current(now).slow++;
  }

  void connections(long now, Map<String, Integer> perTransport) {
    current(now).connections = new TreeMap<>(perTransport);
  }

  /** {@code {bucketMs, windowMs, points: [{t, rate, p50, p95, p99, slow, connections}]}}, oldest first. */
  JsonObject toJson(long now) {
    current(now);
    JsonArray points = new JsonArray();
    for (Bucket b : buckets) {
      double seconds = Math.max(1, Math.min(BUCKET_MS, now - b.start)) / 1000.0;
      long[] sorted = Arrays.copyOf(b.latencies, b.samples);
      Arrays.sort(sorted);
      JsonObject perTransport = new JsonObject();
      b.connections.forEach(perTransport::put);
      points.add(new JsonObject().put("t", b.start).put("rate", Math.round(b.chats / seconds * 10) / 10.0)
          .put("p50", percentile(sorted, 50)).put("p95", percentile(sorted, 95)).put("p99", percentile(sorted, 99))
          .put("slow", b.slow).put("connections", perTransport));
    }
    return new JsonObject().put("bucketMs", BUCKET_MS).put("windowMs", WINDOW_MS).put("points", points);
  }

  /** Nearest-rank percentile; 0 for an empty bucket. */
  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
