package dev.hubbub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Writes the suite's JSON and the RESULTS.md tables: targets with ratios and verdicts, then one table per scenario. */
final class Report {

  private static final List<Peer> PEERS = List.of(Peer.HUBBUB, Peer.SOCKETIO, Peer.BARE);
  private final JsonObject results;
  private final StringBuilder md = new StringBuilder();

  private Report(JsonObject results) {
    this.results = results;
  }

  /** Writes RESULTS.md again from {@code dir}'s results.json, e.g. after an edit of HISTORY.md: {@code Report bench}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "bench");
    write(new JsonObject(Files.readString(dir.resolve("results.json"))), dir);
  }

  static void write(JsonObject results, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.json"), results.encodePrettily() + "\n");
    // The history of what each change bought is kept by hand next to the results, and carried into them.
    Path history = dir.resolve("HISTORY.md");
    String kept = Files.exists(history) ? "\n" + Files.readString(history) : "";
    Files.writeString(dir.resolve("RESULTS.md"), markdown(results) + kept);
  }

  static String markdown(JsonObject results) {
    return new Report(results).render();
  }

  private String render() {
    JsonObject m = results.getJsonObject("machine");
    JsonObject o = results.getJsonObject("options");
    md.append("# Hubbub benchmark results\n\n")
        .append("Written by `bench/run` (see the README's Benchmarks section); the raw figures are in `results.json`.\n\n")
        .append("| | |\n| --- | --- |\n")
        .append("| date | ").append(results.getString("date")).append(" |\n")
        .append("| machine | ").append(m.getInteger("cores")).append(" cores, ").append(m.getString("memory")).append(" memory, ")
        .append(m.getString("cpu")).append(" |\n")
        .append("| system | ").append(m.getString("kernel")).append(", open files: ").append(m.getString("openFilesLimit")).append(" |\n")
        .append("| JVM | ").append(m.getString("java")).append(" (the hub, the bare peer and the generator) |\n")
        .append("| Node | ").append(m.getString("node")).append(" (the Socket.IO peer) |\n")
        .append("| load average at start | ").append(m.getString("loadAverageAtStart")).append(" |\n")
        .append("| mode | ").append(o.getString("mode")).append(", duration scale ").append(o.getDouble("durationScale")).append(" |\n");
    for (Peer p : PEERS) {
      JsonObject peer = peer(p);
      if (peer != null && peer.containsKey("jvm")) {
        md.append("| ").append(p.title).append(" JVM | `").append(peer.getString("jvm")).append("` |\n");
        md.append("| ").append(p.title).append(" JVM flags | `").append(peer.getString("jvmFlags")).append("` |\n");
      }
    }
    md.append("\nThe load generator (`bench/java`, Vert.x WebSocket and HTTP clients, one JVM on the same cores) reports its own CPU ")
        .append("next to the server's. Every figure comes from one run on a shared machine: absolute numbers drift, the ratios ")
        .append("between servers of the same run are what the targets use.\n\n");
    md.append("Sizes: ");
    o.fieldNames().stream().filter(k -> k.startsWith("S")).sorted().forEach(k -> md.append("**").append(k).append("** ").append(o.getString(k)).append("; "));
    md.append("\n\n");
    skipped();
    targets();
    fanoutTable("S1", "S1: one room, WebSocket subscribers");
    fanoutTable("S2", "S2: 100 rooms × 10 subscribers");
    fanoutTable("S3", "S3: S1 over SSE (JSON)");
    capacityTable();
    idleTable();
    durableTable();
    table("S7: launch to first `/health` 200", "S7", List.of(
        row("median ms", s -> num(s.getDouble("medianMs"))),
        row("launches ms", s -> s.getJsonArray("launchesMs").stream().map(v -> num((Double) v)).toList().toString()),
        row("median ms, restart on the same data directory", s -> s.containsKey("restartMedianMs") ? num(s.getDouble("restartMedianMs")) : "–"),
        row("restarts ms", s -> s.containsKey("restartsMs") ? s.getJsonArray("restartsMs").stream().map(v -> num((Double) v)).toList().toString() : "–")));
    table("S8: join storm", "S8", List.of(
        row("clients", s -> String.valueOf(s.getInteger("clients"))),
        row("all welcomed ms", s -> num(s.getDouble("allWelcomedMs"))),
        row("traffic settled ms", s -> num(s.getDouble("settledMs"))),
        row("members with the full roster", s -> s.containsKey("fullRosters") ? s.getLong("fullRosters") + "" : "no rosters"),
        row("final roster sizes (smallest – largest)", s -> s.containsKey("fullRosters")
            ? s.getInteger("smallestFinalRoster") + " – " + s.getInteger("largestFinalRoster") : "no rosters"),
        row("connections closed by the server", s -> s.getLong("closed") + (s.containsKey("closeReason") ? " (" + s.getString("closeReason") + ")" : ""))));
    table("S9: server-rendered room page vs a static file of the same size", "S9", List.of(
        row("page bytes", s -> String.valueOf(s.getInteger("pageBytes"))),
        row("page requests/s", s -> num(s.getJsonObject("page").getDouble("requestsPerSecond"))),
        row("page p99 ms", s -> num(s.getJsonObject("page").getJsonObject("latency").getDouble("p99Ms"))),
        row("static requests/s", s -> num(s.getJsonObject("staticFile").getDouble("requestsPerSecond"))),
        row("static p99 ms", s -> num(s.getJsonObject("staticFile").getJsonObject("latency").getDouble("p99Ms"))),
        row("page / static", s -> num(s.getDouble("ratio")))));
    profile();
    return md.toString();
  }

  private void skipped() {
    for (Peer p : PEERS) {
      JsonObject peer = peer(p);
      if (peer != null && peer.containsKey("skipped")) {
        md.append("**").append(p.title).append(" skipped:** ").append(peer.getString("skipped")).append("\n\n");
      }
      if (peer != null && peer.containsKey("error")) {
        md.append("**").append(p.title).append(" failed:** ").append(peer.getString("error")).append("\n\n");
      }
    }
  }

  private void targets() {
    md.append("## Targets\n\n| scenario | target | measured | verdict |\n| --- | --- | --- | --- |\n");
    for (String s : List.of("S1", "S2")) {
      JsonObject h = sc(Peer.HUBBUB, s);
      JsonObject io = sc(Peer.SOCKETIO, s);
      JsonObject bare = sc(Peer.BARE, s);
      target(s, "0 loss", h == null ? null : "loss " + h.getLong("loss"), h == null ? null : h.getLong("loss") == 0);
      Double cpuIo = ratio(h, io, x -> x.getDouble("cpuPerDeliveryUs"));
      target(s, "CPU/delivery ≤ 0.75× Socket.IO", ratioText(cpuIo), cpuIo == null ? null : cpuIo <= 0.75);
      Double cpuBare = ratio(h, bare, x -> x.getDouble("cpuPerDeliveryUs"));
      target(s, "CPU/delivery ≤ 1.3× bare Vert.x", ratioText(cpuBare), cpuBare == null ? null : cpuBare <= 1.3);
      Double p99 = ratio(h, io, x -> x.getJsonObject("latency").getDouble("p99Ms"));
      target(s, "p99 ≤ 0.5× Socket.IO", ratioText(p99), p99 == null ? null : p99 <= 0.5);
    }
    JsonObject s3 = sc(Peer.HUBBUB, "S3");
    target("S3", "0 loss", s3 == null ? null : "loss " + s3.getLong("loss"), s3 == null ? null : s3.getLong("loss") == 0);
    Double s3cpu = ratio(s3, sc(Peer.HUBBUB, "S1"), x -> x.getDouble("cpuPerDeliveryUs"));
    target("S3", "CPU/delivery ≤ 1.2× Hubbub's S1", ratioText(s3cpu), s3cpu == null ? null : s3cpu <= 1.2);
    Double held = ratio(sc(Peer.HUBBUB, "S4"), sc(Peer.SOCKETIO, "S4"), x -> (double) x.getInteger("held"));
    target("S4", "subscribers held ≥ 2× Socket.IO", ratioText(held), held == null ? null : held >= 2);
    JsonObject s5 = sc(Peer.HUBBUB, "S5");
    target("S5", "all held (at the size run)", s5 == null ? null : s5.getLong("webSocketsHeld") + " + " + s5.getLong("streamsHeld")
        + " of " + s5.getInteger("webSocketsWanted") + " + " + s5.getInteger("streamsWanted"), s5 == null ? null : s5.getBoolean("allHeld"));
    Double perConn = s5 == null ? null : s5.getDouble("heapPerConnectionBytes");
    target("S5", "heap after GC ≤ 4 KiB per connection", perConn == null ? null : kib(perConn) + " KiB", perConn == null ? null : perConn <= 4096);
    JsonObject s6 = sc(Peer.HUBBUB, "S6");
    Double acks = s6 == null ? null : s6.getDouble("ackedPerSecond");
    target("S6", "≥ 20,000 acked msgs/s", acks == null ? null : num(acks) + "/s", acks == null ? null : acks >= 20_000);
    Double ackP99 = s6 == null || s6.getJsonObject("ackLatency") == null ? null : s6.getJsonObject("ackLatency").getDouble("p99Ms");
    target("S6", "ack p99 ≤ 50 ms", ackP99 == null ? null : num(ackP99) + " ms", ackP99 == null ? null : ackP99 <= 50);
    target("S6", "nothing lost", s6 == null ? null : s6.getLong("acked") + " acked, " + s6.getLong("stored") + " stored of "
        + s6.getLong("sent"), s6 == null ? null : s6.getBoolean("nothingLost"));
    JsonObject s7 = sc(Peer.HUBBUB, "S7");
    target("S7", "median launch ≤ 1.5 s", s7 == null ? null : num(s7.getDouble("medianMs")) + " ms", s7 == null ? null : s7.getDouble("medianMs") <= 1500);
    JsonObject s8 = sc(Peer.HUBBUB, "S8");
    target("S8", "all welcomed ≤ 3 s", s8 == null ? null : num(s8.getDouble("allWelcomedMs")) + " ms", s8 == null ? null : s8.getDouble("allWelcomedMs") <= 3000);
    target("S8", "every member ends with the full roster", s8 == null ? null : s8.getLong("fullRosters") + " of " + s8.getInteger("clients"),
        s8 == null ? null : s8.getBoolean("allFullRosters"));
    JsonObject s9 = sc(Peer.HUBBUB, "S9");
    target("S9", "page requests/s ≥ 0.5× static file", s9 == null ? null : ratioText(s9.getDouble("ratio")), s9 == null ? null : s9.getDouble("ratio") >= 0.5);
    md.append("\n");
  }

  private void target(String scenario, String target, String measured, Boolean pass) {
    md.append("| ").append(scenario).append(" | ").append(target).append(" | ").append(measured == null ? "not measured" : measured)
        .append(" | ").append(pass == null ? "–" : pass ? "pass" : "**FAIL**").append(" |\n");
  }

  private void fanoutTable(String s, String title) {
    table(title, s, List.of(
        row("subscribers", x -> String.valueOf(x.getInteger("subscribers"))),
        row("messages sent", x -> String.valueOf(x.getLong("sent"))),
        row("deliveries / expected", x -> x.getLong("delivered") + " / " + x.getLong("expected")),
        row("loss", x -> String.valueOf(x.getLong("loss"))),
        row("subscribers closed by the server", x -> x.getLong("closed") + (x.containsKey("closeReason") ? " (" + x.getString("closeReason") + ")" : "")),
        row("publishers closed by the server", x -> String.valueOf(x.getLong("publishersClosed"))),
        row("latency p50 / p95 / p99 / max ms", x -> latency(x.getJsonObject("latency"))),
        row("deliveries/s (first send to last delivery)", x -> num(x.getLong("delivered") / x.getDouble("seconds"))),
        row("window s (first send to last delivery)", x -> num(x.getDouble("seconds"))),
        row("server CPU s", x -> num(x.getDouble("serverCpuSeconds"))),
        row("server CPU per delivery µs", x -> num(x.getDouble("cpuPerDeliveryUs"))),
        row("generator CPU s", x -> num(x.getDouble("generatorCpuSeconds"))),
        row("server RSS MiB", x -> mib(x.getLong("rssBytes"))),
        row("heap after GC MiB", x -> mib(x.getLong("heapAfterGcBytes")))));
  }

  private void capacityTable() {
    table("S4: capacity (one room, 10 msg/s, subscribers added until p95 > 250 ms)", "S4", List.of(
        row("subscribers held", x -> String.valueOf(x.getInteger("held"))),
        row("stopped because", x -> x.getString("stoppedBecause")),
        row("steps (subscribers: p95 ms)", x -> x.getJsonArray("steps").stream().map(j -> (JsonObject) j)
            .map(j -> j.getInteger("subscribers") + ": " + num(j.getDouble("p95Ms"))).reduce((a, b) -> a + ", " + b).orElse(""))));
  }

  private void idleTable() {
    table("S5: idle connections", "S5", List.of(
        row("WebSockets held / opened", x -> x.getLong("webSocketsHeld") + " / " + x.getInteger("webSocketsWanted")),
        row("SSE streams held / opened", x -> x.getLong("streamsHeld") + " / " + x.getInteger("streamsWanted")),
        row("heap after GC per connection KiB", x -> kib(x.getDouble("heapPerConnectionBytes"))),
        row("RSS per connection KiB", x -> kib(x.getDouble("rssPerConnectionBytes"))),
        row("heap after GC before / after MiB", x -> mib(x.getLong("heapBeforeBytes")) + " / " + mib(x.getLong("heapAfterBytes"))),
        row("open failures", x -> x.containsKey("openFailures") ? x.getLong("openFailures") + ": " + x.getString("firstError") : "0")));
    md.append("The issue asks for 10,000 + 10,000 connections; with a per-process limit of 20,000 open files for the server and the ")
        .append("generator alike, the full run opens the sizes above. Socket.IO and the bare peer have no SSE, so they hold WebSockets only.\n\n");
  }

  private void durableTable() {
    table("S6: durable publish with `cid` acks", "S6", List.of(
        row("rooms × in flight", x -> x.getInteger("rooms") + " × " + x.getInteger("inFlightPerRoom")),
        row("sent / acked / stored", x -> x.getLong("sent") + " / " + x.getLong("acked") + " / " + x.getLong("stored")),
        row("nothing lost", x -> String.valueOf(x.getBoolean("nothingLost"))),
        row("publishers closed by the server", x -> String.valueOf(x.getLong("publishersClosed"))),
        row("acked msgs/s", x -> num(x.getDouble("ackedPerSecond"))),
        row("ack latency p50 / p95 / p99 / max ms", x -> latency(x.getJsonObject("ackLatency"))),
        row("server CPU s", x -> num(x.getDouble("serverCpuSeconds")))));
  }

  private void profile() {
    JsonObject p = peer(Peer.HUBBUB) == null ? null : peer(Peer.HUBBUB).getJsonObject("profile");
    if (p == null) {
      return;
    }
    md.append("## Hubbub profile (JFR during a repeat of S2, ").append(num(p.getDouble("seconds"))).append(" s)\n\n")
        .append(p.getInteger("executionSamples")).append(" execution samples (`jdk.ExecutionSample`).\n\n");
    frames("Top frames", p.getJsonArray("topFrames"));
    frames("First Hubbub frame on the stack", p.getJsonArray("topHubbubFrames"));
    JsonObject gc = p.getJsonObject("gc");
    md.append("Garbage collections (`jdk.GarbageCollection`): ").append(gc.getInteger("collections")).append(" (")
        .append(gc.getJsonObject("byName").encode()).append("), pauses total ").append(num(gc.getDouble("pauseTotalMs")))
        .append(" ms, longest ").append(num(gc.getDouble("pauseMaxMs"))).append(" ms.\n");
  }

  private void frames(String title, JsonArray frames) {
    md.append("| ").append(title).append(" | samples | % |\n| --- | --- | --- |\n");
    frames.stream().map(f -> (JsonObject) f).forEach(f -> md.append("| `").append(f.getString("frame")).append("` | ")
        .append(f.getInteger("samples")).append(" | ").append(num(f.getDouble("percent"))).append(" |\n"));
    md.append("\n");
  }

  private record Row(String name, Function<JsonObject, String> cell) {
  }

  private static Row row(String name, Function<JsonObject, String> cell) {
    return new Row(name, cell);
  }

  private void table(String title, String scenario, List<Row> rows) {
    md.append("## ").append(title).append("\n\n| | ").append(String.join(" | ", PEERS.stream().map(p -> p.title).toList()))
        .append(" |\n| --- | --- | --- | --- |\n");
    List<Row> all = new java.util.ArrayList<>(rows);
    all.add(row("wall time s / machine load after", x -> num(x.getDouble("wallSeconds")) + " / " + num(x.getDouble("loadAverageAfter"))));
    for (Row r : all) {
      md.append("| ").append(r.name());
      for (Peer p : PEERS) {
        md.append(" | ").append(cell(p, scenario, r));
      }
      md.append(" |\n");
    }
    md.append("\n");
  }

  private String cell(Peer p, String scenario, Row r) {
    JsonObject peer = peer(p);
    if (peer == null || peer.containsKey("skipped")) {
      return "skipped";
    }
    JsonObject s = peer.getJsonObject("scenarios").getJsonObject(scenario);
    if (s == null) {
      return "not run";
    }
    if (s.containsKey("notApplicable")) {
      return "n/a: " + s.getString("notApplicable");
    }
    if (s.containsKey("error")) {
      return "error: " + s.getString("error").replace("|", "/");
    }
    try {
      return r.cell().apply(s);
    } catch (RuntimeException e) {
      return "–";
    }
  }

  private JsonObject peer(Peer p) {
    return results.getJsonObject("peers").getJsonObject(p.id);
  }

  /** A scenario's result, or null when not run, not applicable or failed. */
  private JsonObject sc(Peer p, String scenario) {
    JsonObject peer = peer(p);
    JsonObject s = peer == null || peer.getJsonObject("scenarios") == null ? null : peer.getJsonObject("scenarios").getJsonObject(scenario);
    return s == null || s.containsKey("error") || s.containsKey("notApplicable") ? null : s;
  }

  private static Double ratio(JsonObject a, JsonObject b, Function<JsonObject, Double> f) {
    try {
      Double x = f.apply(a);
      Double y = f.apply(b);
      return x == null || y == null || y == 0 ? null : x / y;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String ratioText(Double r) {
    return r == null ? null : String.format(Locale.ROOT, "%.2f×", r);
  }

  private static String latency(JsonObject l) {
    return l == null || !l.containsKey("p50Ms") ? "–"
        : num(l.getDouble("p50Ms")) + " / " + num(l.getDouble("p95Ms")) + " / " + num(l.getDouble("p99Ms")) + " / " + num(l.getDouble("maxMs"));
  }

  static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "–";
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String mib(Long bytes) {
    return bytes == null || bytes < 0 ? "–" : num(bytes / 1048576.0);
  }

  private static String kib(Double bytes) {
    return bytes == null ? "–" : num(bytes / 1024.0);
  }
}
