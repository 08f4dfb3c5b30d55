package dev.hubbub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * The benchmark suite: starts each peer in turn (Hubbub, Socket.IO, bare Vert.x), runs every scenario against it
 * from this JVM's Vert.x clients, and returns one JSON document ({@link Report} turns it into RESULTS.md).
 * {@code bench/run} is the command line; {@code BenchSmokeTest} runs {@link Options#smoke()}.
 */
public final class Bench {

  /** How to start each peer; {@code socketio} is null (with the reason) when Node or its packages are missing. */
  public record Launch(List<String> hub, List<String> bare, List<String> socketio, String socketioMissing) {
  }

  private final Options options;
  private final Launch launch;
  private final Path work;

  Bench(Options options, Launch launch, Path work) {
    this.options = options;
    this.launch = launch;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--smoke")) {
        a.put("smoke", "true");
      } else {
        a.put(args[i].substring(2), args[++i]);
      }
    }
    Options o = a.containsKey("smoke") ? Options.smoke() : Options.full();
    o.scale = Double.parseDouble(a.getOrDefault("scale", "1"));
    if (a.containsKey("peers")) {
      o.peers = Arrays.stream(a.get("peers").split(",")).map(p -> Peer.valueOf(p.trim().toUpperCase()))
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(Peer.class)));
    }
    if (a.containsKey("scenarios")) {
      o.scenarios = Set.of(a.get("scenarios").toUpperCase().split(","));
    }
    Path out = Path.of(a.getOrDefault("out", o.smoke ? "target/bench-smoke" : "bench"));
    Path work = Files.createTempDirectory("hubbub-bench");
    String java = Tools.jdkTool("java");
    Launch launch = new Launch(hubCommand(java, Path.of(a.getOrDefault("hub-jar", "target/hubbub.jar")).toAbsolutePath()),
        List.of(java, "-cp", a.get("classpath"), BareFanout.class.getName()),
        socketio(Path.of(a.getOrDefault("socketio-dir", "bench/socketio"))), socketioMissing(Path.of(a.getOrDefault("socketio-dir", "bench/socketio"))));
    JsonObject results = new Bench(o, launch, work).run();
    Report.write(results, out);
    System.out.println("wrote " + out.resolve("RESULTS.md") + " and " + out.resolve("results.json"));
    System.exit(0);
  }

  /**
   * The README's run command: {@code java -XX:SharedArchiveFile=hubbub.jsa -jar hubbub.jar} with the
   * class-data archive the build writes next to the jar, plain {@code java -jar} when there is none.
   */
  static List<String> hubCommand(String java, Path jar) {
    Path archive = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".jsa"));
    return Files.exists(archive) ? List.of(java, "-XX:SharedArchiveFile=" + archive, "-jar", jar.toString())
        : List.of(java, "-jar", jar.toString());
  }

  /** The Socket.IO peer's command, or null when Node or {@code npm ci} is missing. */
  public static List<String> socketio(Path dir) {
    return socketioMissing(dir) == null
        ? List.of("node", "--expose-gc", dir.resolve("server.js").toAbsolutePath().toString()) : null;
  }

  public static String socketioMissing(Path dir) {
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("socket.io"))) {
      return "socket.io is not installed: run npm ci --prefix " + dir;
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? null : "node --version failed";
    } catch (Exception e) {
      return "node is not available: " + e.getMessage();
    }
  }

  /** Runs the selected scenarios against every selected peer. */
  public static JsonObject run(Options options, Launch launch, Path work) throws Exception {
    return new Bench(options, launch, work).run();
  }

  JsonObject run() throws Exception {
    JsonObject results = new JsonObject().put("date", Instant.now().toString()).put("machine", Machine.describe())
        .put("options", options.describe()).put("peers", new JsonObject());
    Vertx vertx = Vertx.vertx();
    try {
      for (Peer peer : options.peers) {
        if (peer == Peer.SOCKETIO && launch.socketio() == null) {
          System.out.println("skipping Socket.IO: " + launch.socketioMissing());
          results.getJsonObject("peers").put(peer.id, new JsonObject().put("skipped", launch.socketioMissing()));
          continue;
        }
        try {
          results.getJsonObject("peers").put(peer.id, runPeer(vertx, peer));
        } catch (Exception e) {
          e.printStackTrace();
          results.getJsonObject("peers").put(peer.id, new JsonObject().put("title", peer.title).put("error", String.valueOf(e))
              .put("scenarios", new JsonObject()));
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    return results;
  }

  private JsonObject runPeer(Vertx vertx, Peer peer) throws Exception {
    Path dir = work.resolve(peer.id);
    JsonObject scenarios = new JsonObject();
    JsonObject out = new JsonObject().put("title", peer.title).put("scenarios", scenarios);
    List<Double> launches = new ArrayList<>();
    List<Double> restarts = new ArrayList<>();
    if (options.runs("S7")) {
      for (int i = 0; i < options.s7Launches; i++) {
        try (ServerProcess s = start(peer, dir.resolve("launch-" + i))) {
          launches.add(s.launchMs);
        }
      }
      // A restart: the same data directory again (for Hubbub a database already at the current schema).
      for (int i = 0; i <= options.s7Launches && options.s7Launches > 0; i++) {
        try (ServerProcess s = start(peer, dir.resolve("restart"))) {
          if (i > 0) {
            restarts.add(s.launchMs);
          }
        }
      }
    }
    log(peer, "starting");
    try (ServerProcess server = start(peer, dir.resolve("main"))) {
      out.put("pid", server.pid());
      if (peer.jvm() && !options.smoke) {
        out.put("jvm", server.jcmd("VM.command_line").lines().filter(l -> l.startsWith("jvm_args") || l.startsWith("java_command"))
            .collect(Collectors.joining("; "))).put("jvmFlags", server.jcmd("VM.flags").lines().skip(1).collect(Collectors.joining(" ")));
      }
      if (options.runs("S7")) {
        if (launches.isEmpty()) {
          launches.add(server.launchMs);
        }
        List<Double> sorted = launches.stream().sorted().toList();
        JsonObject s7 = new JsonObject().put("launchesMs", new JsonArray(launches)).put("medianMs", sorted.get(sorted.size() / 2));
        if (!restarts.isEmpty()) {
          s7.put("restartsMs", new JsonArray(restarts)).put("restartMedianMs", restarts.stream().sorted().toList().get(restarts.size() / 2));
        }
        scenarios.put("S7", s7);
      }
      try (Load load = new Load(vertx, peer, server, options)) {
        FanoutScenarios fan = new FanoutScenarios(load);
        HubScenarios hub = new HubScenarios(load, dir.resolve("main"));
        Options o = options;
        scenario(peer, scenarios, "S1", true, null,
            () -> fan.fanout("s1", 1, o.s1Subscribers, false, o.s1Rate, o.seconds(o.s1Seconds)));
        scenario(peer, scenarios, "S2", true, null,
            () -> fan.fanout("s2", o.s2Rooms, o.s2PerRoom, false, o.s2Rate, o.seconds(o.s2Seconds)));
        if (peer.hubOnly() && options.runs("S2") && options.jfrSeconds > 0) {
          out.put("profile", profile(server, fan, dir));
        }
        scenario(peer, scenarios, "S3", peer.hubOnly(), "no Server-Sent Events transport",
            () -> fan.fanout("s3", 1, o.s3Subscribers, true, o.s3Rate, o.seconds(o.s3Seconds)));
        scenario(peer, scenarios, "S4", true, null, fan::capacity);
        scenario(peer, scenarios, "S5", true, null, fan::idle);
        scenario(peer, scenarios, "S6", peer.hubOnly(), "no durable, acknowledged publish", hub::durable);
        scenario(peer, scenarios, "S8", true, null, fan::joinStorm);
        scenario(peer, scenarios, "S9", peer.hubOnly(), "no server-rendered pages", hub::page);
      }
      out.put("rssAtEndBytes", server.rssBytes());
    }
    return out;
  }

  /** S2 again, shorter, under a JFR recording (so the measured S2 is not disturbed by the profiler). */
  private JsonObject profile(ServerProcess server, FanoutScenarios fan, Path dir) throws Exception {
    Path file = dir.resolve("s2.jfr").toAbsolutePath();
    log(Peer.HUBBUB, "S2 under JFR");
    server.jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + file);
    JsonObject run = fan.fanout("s2p", options.s2Rooms, options.s2PerRoom, false, options.s2Rate, options.seconds(options.jfrSeconds));
    server.jcmd("JFR.stop", "name=bench");
    return Profile.summarise(file, 15).put("run", run).put("seconds", options.seconds(options.jfrSeconds));
  }

  private void scenario(Peer peer, JsonObject into, String name, boolean applies, String why, Callable<JsonObject> body) {
    if (!options.runs(name)) {
      return;
    }
    if (!applies) {
      into.put(name, new JsonObject().put("notApplicable", why));
      return;
    }
    log(peer, name);
    long start = System.nanoTime();
    JsonObject result;
    try {
      result = body.call();
    } catch (Exception e) {
      e.printStackTrace();
      result = new JsonObject().put("error", String.valueOf(e));
    }
    result.put("wallSeconds", (System.nanoTime() - start) / 1e9).put("loadAverageAfter", Machine.loadAverage());
    into.put(name, result);
    log(peer, name + " " + result.encode().substring(0, Math.min(400, result.encode().length())));
  }

  private ServerProcess start(Peer peer, Path dir) throws Exception {
    int port = Tools.freePort();
    return switch (peer) {
      case HUBBUB -> ServerProcess.start(peer.id, launch.hub(), dir, hubEnv(port), port, true, 120_000);
      case BARE -> ServerProcess.start(peer.id, with(launch.bare(), port), dir, Map.of(), port, true, 120_000);
      case SOCKETIO -> ServerProcess.start(peer.id, with(launch.socketio(), port), dir, Map.of(), port, false, 120_000);
    };
  }

  /**
   * Shipped defaults, but for the per-connection and per-identity message rates: S6's publishers each send
   * hundreds of acked chats a second, far over the abuse limit (100/s, burst 3,000), which would refuse them
   * with 429 and then close them with 1008. The limits themselves are tested in LimitsTest.
   */
  private static Map<String, String> hubEnv(int port) throws IOException {
    return Map.of("HUBBUB_HTTP_PORT", String.valueOf(port), "HUBBUB_TCP_PORT", String.valueOf(Tools.freePort()),
        "HUBBUB_LIMITS_MESSAGES_PER_SECOND", "1000000", "HUBBUB_LIMITS_MESSAGE_BURST", "1000000",
        "HUBBUB_LIMITS_IDENTITY_MESSAGES_PER_SECOND", "1000000", "HUBBUB_LIMITS_IDENTITY_MESSAGE_BURST", "1000000");
  }

  private static List<String> with(List<String> command, int port) {
    List<String> out = new ArrayList<>(command);
    out.add(String.valueOf(port));
    return out;
  }

  private static void log(Peer peer, String what) {
    System.out.println("[bench " + Instant.now() + "] " + peer.id + ": " + what);
  }
}
