package dev.hubbub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * S2 on one clustered node, then on two, in one run and on one shared PostgreSQL: how fan-out spreads over
 * nodes (issue 13). Every connection goes to a node drawn at random, so a room's subscribers sit on both;
 * CPU per delivery adds up every node's CPU. On a 2-core machine the second node competes with the first
 * and with the generator for the same cores, so the figures are informational, not a scaling claim.
 * Run by {@code bench/run --cluster [--scale F]}, which starts a throwaway PostgreSQL for it.
 */
public final class ClusterScaling {

  private ClusterScaling() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].substring(2), args[i + 1]);
    }
    String pg = System.getenv("HUBBUB_TEST_PG_URL");
    if (pg == null) {
      throw new IllegalStateException("needs a PostgreSQL: HUBBUB_TEST_PG_URL/_USER, as .ci/postgres.sh exports");
    }
    Options o = Options.full();
    o.scale = Double.parseDouble(a.getOrDefault("scale", "1"));
    List<String> hub = List.of(Tools.jdkTool("java"), "-jar",
        Path.of(a.getOrDefault("hub-jar", "target/hubbub.jar")).toAbsolutePath().toString());
    Path work = Files.createTempDirectory("hubbub-bench-cluster");
    JsonObject results = new JsonObject().put("date", Instant.now().toString()).put("machine", Machine.describe())
        .put("scale", o.scale).put("runs", new JsonArray());
    Vertx vertx = Vertx.vertx();
    try {
      for (int nodes = 1; nodes <= 2; nodes++) {
        results.getJsonArray("runs").add(run(vertx, hub, work.resolve(nodes + "-nodes"), nodes, pg, o));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    Path out = Path.of(a.getOrDefault("out", "target/bench-cluster"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("cluster.json"), results.encodePrettily());
    System.out.println(table(results));
    System.out.println("wrote " + out.resolve("cluster.json"));
    System.exit(0);
  }

  private static JsonObject run(Vertx vertx, List<String> hub, Path dir, int count, String pg, Options o) throws Exception {
    String name = "bench-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(Tools.freePort());
    }
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    List<ServerProcess> servers = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        int port = Tools.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("HUBBUB_HTTP_PORT", String.valueOf(port));
        env.put("HUBBUB_TCP_PORT", String.valueOf(Tools.freePort()));
        env.put("HUBBUB_DB_URL", pg);
        env.put("HUBBUB_DB_USER", System.getenv().getOrDefault("HUBBUB_TEST_PG_USER", ""));
        env.put("HUBBUB_AUTH_JWT_SECRET", "bench-jwt-secret-0123456789-abcdefghijklmnopqrstuvwxyz");
        env.put("HUBBUB_AUTH_CSRF_SECRET", "bench-csrf-secret-0123456789-abcdefghijklmnopqrstuvw");
        env.put("HUBBUB_CLUSTER_ENABLED", "true");
        env.put("HUBBUB_CLUSTER_HOST", "127.0.0.1");
        env.put("HUBBUB_CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
        env.put("HUBBUB_CLUSTER_MEMBERS", members);
        env.put("HUBBUB_CLUSTER_NAME", name);
        servers.add(ServerProcess.start("hubbub-" + i, hub, dir.resolve("node-" + i), env, port, true, 180_000));
      }
      try (Load load = new Load(vertx, Peer.HUBBUB, servers, o)) {
        JsonObject s2 = new FanoutScenarios(load).fanout("s2n" + count, o.s2Rooms, o.s2PerRoom, false, o.s2Rate, o.seconds(o.s2Seconds));
        return s2.put("nodes", count);
      }
    } finally {
      for (ServerProcess s : servers) {
        s.close();
      }
    }
  }

  private static String table(JsonObject results) {
    StringBuilder out = new StringBuilder("| nodes | delivered / expected | deliveries/s | CPU per delivery (all nodes) | p50 | p99 |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    for (Object r : results.getJsonArray("runs")) {
      JsonObject run = (JsonObject) r;
      JsonObject latency = run.getJsonObject("latency", new JsonObject());
      out.append(String.format("| %d | %d / %d | %.0f | %.1f µs | %s ms | %s ms |%n", run.getInteger("nodes"),
          run.getLong("delivered", 0L), run.getLong("expected", 0L), run.getDouble("deliveriesPerSecond", 0.0),
          run.getDouble("cpuPerDeliveryUs", 0.0), latency.getValue("p50Ms"), latency.getValue("p99Ms")));
    }
    return out.toString();
  }
}
