package dev.hubbub.bench;

import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.Set;

/**
 * Sizes of every scenario: {@link #full()} is the table, {@link #smoke()} the seconds-long run of the
 * test suite. {@code scale} shortens every duration (not the sizes), for a quicker full-shaped run.
 */
final class Options {

  boolean smoke;
  double scale = 1.0;
  Set<Peer> peers = EnumSet.allOf(Peer.class);
  Set<String> scenarios = Set.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9");

  int batch = 200;
  long quietMs = 1000;
  long settleMaxMs = 180_000;
  long drainQuietMs = 5000;
  /** Before a step, wait for the server to be idle (it may still work off the previous step's backlog). */
  boolean awaitIdleServer = true;
  boolean heapEachScenario = true;

  int s1Subscribers = 1000;
  int s1Rate = 50;
  double s1Seconds = 20;

  int s2Rooms = 100;
  int s2PerRoom = 10;
  int s2Rate = 2000;
  double s2Seconds = 20;
  double jfrSeconds = 15;

  int s3Subscribers = 1000;
  int s3Rate = 50;
  double s3Seconds = 20;

  int s4Rate = 10;
  int s4Start = 250;
  int s4MinStep = 250;
  int s4Max = 9000;
  double s4WindowSeconds = 4;
  double s4BudgetSeconds = 240;
  double s4P95LimitMs = 250;

  /** The issue asks for 10,000 + 10,000; the per-process limit of 20,000 files leaves room for 2 × 9,800 here. */
  int s5WebSockets = 9800;
  int s5Streams = 9800;
  double s5IdleSeconds = 20;

  int s6Rooms = 20;
  int s6InFlightPerRoom = 100;
  double s6Seconds = 15;

  int s7Launches = 5;

  int s8Clients = 1000;

  int s9Messages = 50;
  int s9Concurrency = 16;
  double s9Seconds = 10;

  static Options full() {
    return new Options();
  }

  static Options smoke() {
    Options o = new Options();
    o.smoke = true;
    o.batch = 20;
    o.quietMs = 200;
    o.settleMaxMs = 10_000;
    o.drainQuietMs = 400;
    // Smoke checks that every step runs and reports, never a timing: no half-second idle polls before each.
    o.awaitIdleServer = false;
    o.heapEachScenario = false;
    o.s1Subscribers = 5;
    o.s1Rate = 20;
    o.s1Seconds = 0.5;
    o.s2Rooms = 3;
    o.s2PerRoom = 3;
    o.s2Rate = 60;
    o.s2Seconds = 0.5;
    o.jfrSeconds = 0;
    o.s3Subscribers = 5;
    o.s3Rate = 20;
    o.s3Seconds = 0.5;
    o.s4Start = 2;
    o.s4MinStep = 2;
    o.s4Max = 4;
    o.s4WindowSeconds = 0.3;
    o.s4BudgetSeconds = 10;
    o.s5WebSockets = 10;
    o.s5Streams = 10;
    o.s5IdleSeconds = 0.2;
    o.s6Rooms = 2;
    o.s6InFlightPerRoom = 5;
    o.s6Seconds = 0.5;
    o.s7Launches = 0; // the server's own launch is the one sample
    o.s8Clients = 10;
    o.s9Messages = 50;
    o.s9Concurrency = 2;
    o.s9Seconds = 0.3;
    return o;
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  double seconds(double s) {
    return s * scale;
  }

  long openTimeoutMs(int n) {
    return 60_000 + 100L * n;
  }

  JsonObject describe() {
    return new JsonObject().put("mode", smoke ? "smoke" : "full").put("durationScale", scale)
        .put("S1", s1Subscribers + " WebSocket subscribers, " + s1Rate + " msg/s, " + seconds(s1Seconds) + " s")
        .put("S2", s2Rooms + " rooms x " + s2PerRoom + " subscribers, " + s2Rate + " msg/s, " + seconds(s2Seconds) + " s")
        .put("S3", s3Subscribers + " SSE subscribers, " + s3Rate + " msg/s, " + seconds(s3Seconds) + " s")
        .put("S4", "one room, " + s4Rate + " msg/s, from " + s4Start + " subscribers, +max(" + s4MinStep + ", 25%) per step, a step fails when two "
            + seconds(s4WindowSeconds) + " s windows in a row have p95 > " + s4P95LimitMs + " ms, up to " + s4Max + " or " + seconds(s4BudgetSeconds) + " s")
        .put("S5", s5WebSockets + " WebSocket + " + s5Streams + " SSE connections, idle " + seconds(s5IdleSeconds) + " s")
        .put("S6", s6Rooms + " rooms, " + s6InFlightPerRoom + " acked publishes in flight per room, " + seconds(s6Seconds) + " s")
        .put("S7", Math.max(1, s7Launches) + " launches, each on a fresh data directory" + (s7Launches > 0 ? ", then " + s7Launches + " restarts on one" : ""))
        .put("S8", s8Clients + " clients join one room at once")
        .put("S9", s9Messages + " messages, " + s9Concurrency + " concurrent requests, " + seconds(s9Seconds) + " s per URL");
  }
}
