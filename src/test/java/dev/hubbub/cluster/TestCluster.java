package dev.hubbub.cluster;

import dev.hubbub.config.ClusterSettings;
import dev.hubbub.config.ConfigLoader;
import dev.hubbub.metrics.MetricsSettings;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Clustered hubs in this JVM: each node is its own clustered Vert.x (Hazelcast on a free loopback port,
 * the event bus on the next) running a full hub on free ports, all on the PostgreSQL named by
 * {@code HUBBUB_TEST_PG_URL} (see {@code .ci/postgres.sh}). A fresh cluster name per test keeps
 * clusters of different tests apart; tests use fresh room names, because the database is shared.
 */
final class TestCluster {

  /** One node: its Vert.x, its hub, its id in the cluster. */
  record Node(Vertx vertx, TestHub hub, String id, int clusterPort) {
    Cluster cluster() {
      return Cluster.of(vertx).orElseThrow();
    }
  }

  final String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
  final List<Integer> ports;
  final List<Node> nodes = new ArrayList<>();

  TestCluster(int size) {
    ports = IntStream.range(0, size).mapToObj(i -> pairOfFreePorts()).toList();
  }

  /** Starts the nodes one after the other (the first forms the cluster, the others join it). */
  Future<TestCluster> start() {
    return start(ports.size());
  }

  /** Starts the first {@code count} nodes in this JVM; the others are left to child processes ({@link #processConfig}). */
  Future<TestCluster> start(int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int index = i;
      chain = chain.compose(v -> startNode(index).map(node -> {
        nodes.add(node);
        return null;
      }));
    }
    return chain.map(this);
  }

  /** Starts node {@code index} (again, after a stop) on its cluster port. */
  Future<Node> startNode(int index) {
    ClusterSettings settings = settings(ports.get(index));
    return ClusteredVertx.start(settings, new MetricsSettings(false, 0))
        .compose(vertx -> TestHub.start(vertx, hubConfig())
            .map(hub -> new Node(vertx, hub, Cluster.of(vertx).orElseThrow().nodeId(), ports.get(index))));
  }

  ClusterSettings settings(int port) {
    String members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    return ClusterSettings.from(new JsonObject().put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
        .put("port", port).put("members", members).put("name", name).put("failureTimeoutMs", 3000)));
  }

  static JsonObject hubConfig() {
    return new JsonObject()
        .put("db", new JsonObject().put("url", System.getenv("HUBBUB_TEST_PG_URL"))
            .put("user", System.getenv().getOrDefault("HUBBUB_TEST_PG_USER", ""))
            .put("password", System.getenv().getOrDefault("HUBBUB_TEST_PG_PASSWORD", "")))
        .put("http", new JsonObject().put("instances", 1))
        .put("metrics", new JsonObject().put("enabled", false))
        .put("auth", new JsonObject().put("csrfSecret", "test-csrf-secret-0123456789-abcdefghijklmnop"));
  }

  /** The whole configuration of node {@code index} run as {@code java dev.hubbub.Main} (see {@code HubProcess}). */
  JsonObject processConfig(int index, int httpPort, int tcpPort) {
    String members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    return ConfigLoader.defaults().mergeIn(hubConfig(), true).mergeIn(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
        .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", tcpPort))
        .put("auth", new JsonObject().put("passwordIterations", 1000).put("jwt", new JsonObject().put("secret", TestHub.JWT_SECRET)))
        .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", ports.get(index))
            .put("members", members).put("name", name).put("failureTimeoutMs", 3000)), true);
  }

  /** Every node's Vert.x closed (also those a test already killed: closing twice is harmless). */
  Future<Void> close() {
    return Future.join(nodes.stream().map(n -> n.vertx().close()).toList()).mapEmpty();
  }

  /**
   * {@code node}'s live figures ({@link Addresses#STATS}) once {@code condition} holds for them, asked every 200 ms
   * for up to 30 s; fails with the last snapshot seen.
   */
  static Future<JsonObject> statsUntil(Node node, Predicate<JsonObject> condition) {
    Promise<JsonObject> done = Promise.promise();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    askStats(node, condition, deadline, done);
    return done.future();
  }

  private static void askStats(Node node, Predicate<JsonObject> condition, long deadline, Promise<JsonObject> done) {
    node.vertx().eventBus().<JsonObject>request(Addresses.STATS, new JsonObject()).onComplete(reply -> {
      if (reply.succeeded() && condition.test(reply.result().body())) {
        done.complete(reply.result().body());
      } else if (System.nanoTime() > deadline) {
        done.fail(new AssertionError("the figures never matched: " + (reply.succeeded() ? reply.result().body().encode() : reply.cause())));
      } else {
        node.vertx().setTimer(200, id -> askStats(node, condition, deadline, done));
      }
    });
  }

  /** The node ids a snapshot lists under {@code nodes}. */
  static List<String> nodesOf(JsonObject snapshot) {
    return snapshot.getJsonArray("nodes", new JsonArray()).stream().map(n -> ((JsonObject) n).getString("node")).toList();
  }

  /** How many connections a snapshot gives {@code node} (0 when it is not listed). */
  static int connectionsOf(JsonObject snapshot, String node) {
    return snapshot.getJsonArray("nodes", new JsonArray()).stream().map(JsonObject.class::cast)
        .filter(n -> node.equals(n.getString("node"))).mapToInt(n -> n.getInteger("total", 0)).sum();
  }

  /** Whether the connections listed per node add up to those per transport (no one else's are counted). */
  static boolean addsUp(JsonObject snapshot) {
    int perNode = snapshot.getJsonArray("nodes", new JsonArray()).stream().mapToInt(n -> ((JsonObject) n).getInteger("total", 0)).sum();
    int perTransport = snapshot.getJsonObject("connections", new JsonObject()).stream()
        .mapToInt(e -> ((Number) e.getValue()).intValue()).sum();
    return perNode == perTransport;
  }

  /** A fresh room owned by {@code owner} among {@code members}, so a test can aim at one node. */
  static String roomOwnedBy(String owner, List<String> members) {
    for (int i = 0; ; i++) {
      String room = "c" + UUID.randomUUID().toString().substring(0, 8);
      if (owner.equals(ClusterOwners.owner(room, members))) {
        return room;
      }
    }
  }

  /**
   * A free port whose next port is free too (Hazelcast's and the event bus's), below Linux's ephemeral range
   * (32768-60999): a port from that range can be taken by any outgoing connection (another node's, say)
   * between this check and the bind, and Hazelcast binds without auto-increment.
   */
  private static synchronized int pairOfFreePorts() {
    while (true) {
      int port = 20_000 + 2 * RANDOM.nextInt(6_000);
      if (TAKEN.add(port) && free(port) && free(port + 1)) {
        return port;
      }
    }
  }

  private static final java.util.Random RANDOM = new java.util.Random();
  private static final java.util.Set<Integer> TAKEN = new java.util.HashSet<>();

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
