package dev.hubbub.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Counts deliveries and their latencies (send time carried in the payload, in the generator's own
 * {@code System.nanoTime()}, so publisher and receivers share one clock). Receivers on several event loops
 * record into one meter, hence the lock; at these rates it is not the bottleneck.
 */
final class Meter {

  private long[] micros = new long[1 << 16];
  private int count;
  private volatile boolean recording = true;

  /** Records one delivery whose payload is {@code buffer}, if it carries a {@code ~nanos~} stamp. */
  void delivered(Buffer buffer, long nowNanos) {
    long sent = stamp(buffer);
    if (sent > 0 && recording) {
      record((nowNanos - sent) / 1000);
    }
  }

  synchronized void record(long latencyMicros) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, count * 2);
    }
    micros[count++] = latencyMicros;
  }

  void recording(boolean on) {
    recording = on;
  }

  synchronized long count() {
    return count;
  }

  synchronized void reset() {
    count = 0;
  }

  /** {@code {count, p50Ms, p95Ms, p99Ms, maxMs}}; latencies null when nothing was recorded. */
  synchronized JsonObject summary() {
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    JsonObject out = new JsonObject().put("count", count);
    if (count > 0) {
      out.put("p50Ms", pct(sorted, 50)).put("p95Ms", pct(sorted, 95)).put("p99Ms", pct(sorted, 99))
          .put("maxMs", sorted[count - 1] / 1000.0);
    }
    return out;
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  /** The send time between the first two {@code ~} of the payload, or -1. */
  static long stamp(Buffer buffer) {
    int n = buffer.length();
    int i = 0;
    while (i < n && buffer.getByte(i) != '~') {
      i++;
    }
    long value = 0;
    boolean digits = false;
    for (i++; i < n; i++) {
      byte b = buffer.getByte(i);
      if (b >= '0' && b <= '9') {
        value = value * 10 + (b - '0');
        digits = true;
      } else {
        return b == '~' && digits ? value : -1;
      }
    }
    return -1;
  }

  /** A chat text stamped with the current time. */
  static String payload() {
    return "bench ~" + System.nanoTime() + "~ hello from the load generator";
  }

  /** Whether {@code pattern} occurs in the first {@code limit} bytes of {@code buffer}. */
  static boolean contains(Buffer buffer, byte[] pattern, int limit) {
    int end = Math.min(buffer.length(), limit) - pattern.length;
    outer:
    for (int i = 0; i <= end; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (buffer.getByte(i + j) != pattern[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
