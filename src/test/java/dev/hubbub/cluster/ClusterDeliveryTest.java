package dev.hubbub.cluster;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clustered hubs on one shared PostgreSQL: a room spans both, every transport on either node sees
 * the same events in one {@code seq} order, with no gap and no duplicate.
 */
@ExtendWith(VertxExtension.class)
@EnabledIfEnvironmentVariable(named = "HUBBUB_TEST_PG_URL", matches = "jdbc:postgresql:.+")
class ClusterDeliveryTest {

  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestCluster(2).start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void everyTransportOnOneNodeSeesWhatTheOtherNodeSent(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node a = cluster.nodes.get(0);
    TestCluster.Node b = cluster.nodes.get(1);
    String room = "r" + UUID.randomUUID().toString().substring(0, 8);
    int fromA = 30;
    int total = fromA + 1;
    List<Supplier<Future<Long>>> subscribers = new ArrayList<>();
    WsTestClient[] alice = new WsTestClient[1];
    WsTestClient[] bob = new WsTestClient[1];
    WsTestClient.live(vertx, b.hub().port, room, "bob")
        .compose(c -> {
          bob[0] = c;
          subscribers.add(() -> c.skipTo("chat").map(f -> f.getLong("seq")));
          return SseTestClient.connect(vertx, b.hub().port, "/rooms/" + room + "/events?format=json");
        })
        .compose(sse -> sse.skipTo("roster").map(sse))
        .compose(sse -> {
          subscribers.add(() -> sse.skipTo("chat").map(e -> e.json().getLong("seq")));
          return BusTestClient.tcp(vertx, b.hub().tcpPort());
        })
        .compose(tcp -> {
          tcp.register(Addresses.roomFeed(room), new JsonObject().put("since", 0));
          subscribers.add(() -> tcp.nextEvent("chat").map(f -> f.getJsonObject("body").getLong("seq")));
          return WsTestClient.connect(vertx, a.hub().port);
        })
        .compose(c -> {
          alice[0] = c;
          subscribers.add(() -> c.skipTo("chat").map(f -> f.getLong("seq")));
          return c.join(room, "alice");
        })
        .compose(welcome -> {
          // Presence spans the nodes: bob joined on B, alice on A, one roster.
          ctx.verify(() -> assertEquals(List.of("bob", "alice"), welcome.getJsonArray("users").getList()));
          return alice[0].expect("history");
        })
        .compose(history -> {
          for (int i = 0; i < fromA; i++) {
            alice[0].send(new JsonObject().put("type", "chat").put("text", "a" + i).put("cid", "a" + i));
          }
          bob[0].send(new JsonObject().put("type", "chat").put("text", "from b").put("cid", "b0"));
          List<Future<List<Long>>> seen = subscribers.stream().map(next -> collect(next, total)).toList();
          return Future.all(seen).map(v -> seen.stream().map(Future::result).toList());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
          for (List<Long> seqs : all) {
            assertEquals(expected, seqs, "every subscriber sees seq 1.." + total + " in order, once each");
          }
          assertEquals(4, all.size());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void concurrentPostsThroughBothNodesGetOneOrder(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node a = cluster.nodes.get(0);
    TestCluster.Node b = cluster.nodes.get(1);
    String room = "r" + UUID.randomUUID().toString().substring(0, 8);
    int each = 100;
    List<Supplier<Future<Long>>> subscribers = new ArrayList<>();
    WsTestClient[] posters = new WsTestClient[2];
    WsTestClient.live(vertx, a.hub().port, room, "ann")
        .compose(c -> {
          posters[0] = c;
          subscribers.add(() -> c.skipTo("chat").map(f -> f.getLong("seq")));
          return WsTestClient.live(vertx, b.hub().port, room, "ben");
        })
        .compose(c -> {
          posters[1] = c;
          subscribers.add(() -> c.skipTo("chat").map(f -> f.getLong("seq")));
          return SseTestClient.connect(vertx, b.hub().port, "/rooms/" + room + "/events?format=json");
        })
        .compose(sse -> sse.skipTo("roster").map(sse))
        .compose(sse -> {
          subscribers.add(() -> sse.skipTo("chat").map(e -> e.json().getLong("seq")));
          return BusTestClient.tcp(vertx, a.hub().tcpPort());
        })
        .compose(tcp -> {
          tcp.register(Addresses.roomFeed(room), new JsonObject().put("since", 0));
          subscribers.add(() -> tcp.nextEvent("chat").map(f -> f.getJsonObject("body").getLong("seq")));
          for (int i = 0; i < each; i++) {
            posters[0].send(new JsonObject().put("type", "chat").put("text", "a" + i).put("cid", "a" + i));
            posters[1].send(new JsonObject().put("type", "chat").put("text", "b" + i).put("cid", "b" + i));
          }
          List<Future<List<Long>>> seen = subscribers.stream().map(next -> collect(next, 2 * each)).toList();
          return Future.all(seen).map(v -> seen.stream().map(Future::result).toList());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<Long> expected = LongStream.rangeClosed(1, 2 * each).boxed().toList();
          for (List<Long> seqs : all) {
            assertEquals(expected, seqs, "every subscriber on both nodes sees seq 1.." + 2 * each + " in order, once each");
          }
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void healthListsTheMembersThisNodeSees(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node b = cluster.nodes.get(1);
    vertx.createHttpClient().request(HttpMethod.GET, b.hub().port, "127.0.0.1", "/health")
        .compose(request -> request.send().compose(response -> response.body()))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          JsonObject health = body.toJsonObject();
          assertEquals("up", health.getString("status"));
          assertEquals(b.id(), health.getString("node"));
          assertEquals(cluster.nodes.stream().map(TestCluster.Node::id).sorted().toList(), health.getJsonArray("members").getList());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aRoomMadeMembersOnlyThroughOneNodeIsClosedOnTheOtherToo(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node a = cluster.nodes.get(0);
    TestCluster.Node b = cluster.nodes.get(1);
    String room = "closing-" + UUID.randomUUID().toString().substring(0, 8);
    String owner = "own" + UUID.randomUUID().toString().substring(0, 6);
    WebClient web = WebClient.create(vertx);
    String[] token = new String[1];
    Accounts.register(web, a.hub().port, owner)
        .compose(registered -> {
          token[0] = registered.getString("token");
          return web.post(a.hub().port, "127.0.0.1", "/api/rooms/" + room + "/messages")
              .putHeader("Authorization", Accounts.bearer(token[0])).sendJsonObject(new JsonObject().put("text", "mine"));
        })
        // A guest reads it through B while it is public: B's accounts verticle now caches that policy.
        .compose(posted -> web.get(b.hub().port, "127.0.0.1", "/api/rooms/" + room + "/access").send())
        .compose(open -> {
          ctx.verify(() -> assertEquals(200, open.statusCode(), open.bodyAsString()));
          return web.put(a.hub().port, "127.0.0.1", "/api/rooms/" + room + "/access").putHeader("Authorization", Accounts.bearer(token[0]))
              .sendJsonObject(new JsonObject().put("private", true));
        })
        .compose(closed -> {
          ctx.verify(() -> assertEquals(200, closed.statusCode(), closed.bodyAsString()));
          return untilStatus(vertx, () -> web.get(b.hub().port, "127.0.0.1", "/api/rooms/" + room + "/access").send(), 403, 100);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Polls {@code request} every 100 ms until it answers {@code status}, at most {@code tries} times. */
  private static Future<Void> untilStatus(Vertx vertx, Supplier<Future<HttpResponse<Buffer>>> request, int status, int tries) {
    return request.get().compose(response -> response.statusCode() == status ? Future.<Void>succeededFuture()
        : tries <= 1 ? Future.failedFuture(new AssertionError("still " + response.statusCode() + ": " + response.bodyAsString()))
        : vertx.timer(100).compose(t -> untilStatus(vertx, request, status, tries - 1)));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void readinessSaysTheNodeHasJoined(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node b = cluster.nodes.get(1);
    vertx.createHttpClient().request(HttpMethod.GET, b.hub().port, "127.0.0.1", "/health/ready")
        .compose(request -> request.send().compose(response -> response.body().map(body -> {
          assertEquals(200, response.statusCode(), body.toString());
          return body;
        })))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertEquals("joined, " + cluster.nodes.size() + " members", body.toJsonObject().getJsonObject("checks").getString("cluster"));
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void theDashboardShowsEveryNodeAndItsConnections(Vertx vertx, VertxTestContext ctx) {
    TestCluster.Node a = cluster.nodes.get(0);
    TestCluster.Node b = cluster.nodes.get(1);
    String room = "r" + UUID.randomUUID().toString().substring(0, 8);
    // Baselines: the other tests of this class may have left connections open.
    int[] before = new int[2];
    TestCluster.statsUntil(b, s -> TestCluster.nodesOf(s).size() == 2)
        .compose(s -> {
          before[0] = TestCluster.connectionsOf(s, a.id());
          before[1] = TestCluster.connectionsOf(s, b.id());
          return WsTestClient.live(vertx, a.hub().port, room, "ada");
        })
        .compose(c -> WsTestClient.live(vertx, a.hub().port, room, "abe"))
        .compose(c -> WsTestClient.live(vertx, b.hub().port, room, "bea"))
        .compose(c -> TestCluster.statsUntil(b, s -> TestCluster.connectionsOf(s, a.id()) >= before[0] + 2
            && TestCluster.connectionsOf(s, b.id()) >= before[1] + 1))
        .compose(snapshot -> {
          ctx.verify(() -> {
            assertEquals(cluster.nodes.stream().map(TestCluster.Node::id).sorted().toList(), TestCluster.nodesOf(snapshot));
            for (Object n : snapshot.getJsonArray("nodes")) {
              JsonObject node = (JsonObject) n;
              assertEquals(b.id().equals(node.getString("node")), node.getBoolean("self"), "only B is this node: " + node);
            }
            assertTrue(TestCluster.addsUp(snapshot), "the nodes' connections add up to the transports' totals: " + snapshot.encode());
          });
          return vertx.createHttpClient().request(HttpMethod.GET, b.hub().port, "127.0.0.1", "/dashboard")
              .compose(request -> request.send().compose(response -> response.body()));
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          String html = page.toString();
          assertTrue(html.contains("data-node=\"" + a.id() + "\""), "the dashboard lists node A");
          assertTrue(html.contains("data-node=\"" + b.id() + "\""), "the dashboard lists node B");
          assertTrue(html.contains("(this node)"), "and says which one it is");
          ctx.completeNow();
        })));
  }

  /** The next {@code n} seqs one subscriber receives, in arrival order. */
  static Future<List<Long>> collect(Supplier<Future<Long>> next, int n) {
    List<Long> seqs = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> next.get().map(seq -> {
        seqs.add(seq);
        return null;
      }));
    }
    return chain.map(seqs);
  }
}
