package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting an account takes effect at once: every open connection of the user, on every transport, is cut
 * although its token has not expired, and a name registered again inherits nothing of the old account.
 * Losing access to a room likewise takes it away on every transport.
 */
@ExtendWith(VertxExtension.class)
class AccountDeletionTest {

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  private static JsonObject bearer(String token) {
    return new JsonObject().put("authorization", Accounts.bearer(token));
  }

  private static MultiMap authorization(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", Accounts.bearer(token));
  }

  /** A bus client that registered the lobby feed and posted with {@code token} (answered), so its token is verified and cached. */
  private static Future<BusTestClient> busUser(Future<BusTestClient> connecting, String token, String text) {
    return connecting.compose(bus -> {
      bus.register(Addresses.roomFeed("lobby"), bearer(token));
      String reply = bus.request(Addresses.CHAT, new JsonObject().put("room", "lobby").put("text", text), bearer(token));
      return replied(bus, reply);
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void deletingAnAccountCutsItsConnectionsOnEveryTransport(Vertx vertx, VertxTestContext ctx) {
    String[] token = new String[1];
    WsTestClient[] ws = new WsTestClient[1];
    SseTestClient[] sse = new SseTestClient[1];
    BusTestClient[] tcp = new BusTestClient[1];
    BusTestClient[] sockJs = new BusTestClient[1];
    long[] deletedAt = new long[1];
    Accounts.register(web, hub.port, "alice")
        .compose(alice -> {
          token[0] = alice.getString("token");
          return WsTestClient.withToken(vertx, hub.port, token[0]);
        })
        .compose(client -> {
          ws[0] = client;
          return client.expect("authenticated").compose(v -> {
            client.send(new JsonObject().put("type", "join").put("room", "lobby"));
            return client.skipTo("welcome");
          });
        })
        .compose(v -> SseTestClient.connect(vertx, hub.port, "/rooms/lobby/events?format=json", authorization(token[0])))
        .compose(client -> {
          sse[0] = client;
          return busUser(BusTestClient.tcp(vertx, hub.tcpPort()), token[0], "over tcp");
        })
        .compose(client -> {
          tcp[0] = client;
          return busUser(BusTestClient.sockJs(vertx, hub.port), token[0], "over sockjs");
        })
        .compose(client -> {
          sockJs[0] = client;
          deletedAt[0] = System.currentTimeMillis();
          return Accounts.delete(web, hub.port, token[0]);
        })
        .compose(deleted -> {
          assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
          // The token is good for an hour yet: each connection must be cut by the deletion itself.
          return Future.all(ws[0].closed(), sse[0].ended(), tcp[0].skipErr(), sockJs[0].skipErr())
              .compose(cut -> Future.all(tcp[0].closed(), sockJs[0].closed()).map(cut));
        })
        .onComplete(ctx.succeeding(cut -> ctx.verify(() -> {
          assertEquals((short) 4401, (short) cut.<Short>resultAt(0), "the WebSocket closes as unauthenticated");
          JsonObject tcpErr = cut.resultAt(2);
          JsonObject sockJsErr = cut.resultAt(3);
          assertEquals(401, tcpErr.getInteger("failureCode"), tcpErr.encode());
          assertEquals(401, sockJsErr.getInteger("failureCode"), sockJsErr.encode());
          long took = System.currentTimeMillis() - deletedAt[0];
          assertTrue(took < 10_000, "cut " + took + " ms after the deletion");
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aNameRegisteredAgainInheritsNoTokenRoomOrHistory(Vertx vertx, VertxTestContext ctx) {
    String[] old = new String[1];
    String[] fresh = new String[1];
    Accounts.register(web, hub.port, "alice")
        .compose(alice -> {
          old[0] = alice.getString("token");
          // Her first post makes her the creator of "vault"; then she makes it members-only.
          return web.post(hub.port, "127.0.0.1", "/api/rooms/vault/messages").putHeader("Authorization", Accounts.bearer(old[0]))
              .sendJsonObject(new JsonObject().put("text", "alice's secret"));
        })
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          return web.put(hub.port, "127.0.0.1", "/api/rooms/vault/access").putHeader("Authorization", Accounts.bearer(old[0]))
              .sendJsonObject(new JsonObject().put("private", true).put("members", new JsonArray()));
        })
        .compose(closed -> {
          assertEquals(200, closed.statusCode(), closed.bodyAsString());
          return Accounts.delete(web, hub.port, old[0]);
        })
        .compose(deleted -> {
          assertEquals(204, deleted.statusCode());
          return Accounts.register(web, hub.port, "alice");
        })
        .compose(again -> {
          fresh[0] = again.getString("token");
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(old[0])).send();
        })
        .compose(me -> {
          assertEquals(401, me.statusCode(), "the old token is refused over HTTP: " + me.bodyAsString());
          return SseTestClient.connect(vertx, hub.port, "/rooms/lobby/events?format=json", authorization(old[0]))
              .map(stream -> false).otherwise(true);
        })
        .compose(sseRefused -> {
          assertTrue(sseRefused, "the old token opens no event stream");
          return WsTestClient.withToken(vertx, hub.port, old[0]).compose(WsTestClient::closed);
        })
        .compose(code -> {
          assertEquals((short) 4401, (short) code, "the old token is refused over WebSocket");
          return BusTestClient.tcp(vertx, hub.tcpPort()).compose(bus -> {
            bus.request(Addresses.CHAT, new JsonObject().put("room", "lobby").put("text", "old token"), bearer(old[0]));
            return bus.next();
          });
        })
        .compose(err -> {
          assertEquals("err", err.getString("type"), err.encode());
          assertEquals(401, err.getInteger("failureCode"), "the old token is refused over the TCP bridge");
          return web.get(hub.port, "127.0.0.1", "/api/rooms/vault/access").putHeader("Authorization", Accounts.bearer(fresh[0])).send();
        })
        .compose(access -> {
          assertEquals(403, access.statusCode(), "the new alice is no member: " + access.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/rooms/vault/messages").putHeader("Authorization", Accounts.bearer(fresh[0])).send();
        })
        .compose(history -> {
          assertEquals(403, history.statusCode(), "the new alice cannot read the old one's history: " + history.bodyAsString());
          return web.put(hub.port, "127.0.0.1", "/api/rooms/vault/access").putHeader("Authorization", Accounts.bearer(fresh[0]))
              .sendJsonObject(new JsonObject().put("private", false));
        })
        .compose(takeOver -> {
          assertEquals(403, takeOver.statusCode(), "the new alice is not the creator: " + takeOver.bodyAsString());
          return WsTestClient.withToken(vertx, hub.port, fresh[0]).compose(ws -> ws.expect("authenticated").compose(v -> {
            ws.send(new JsonObject().put("type", "join").put("room", "vault"));
            return ws.next();
          }));
        })
        .onComplete(ctx.succeeding(joined -> ctx.verify(() -> {
          assertEquals("error", joined.getString("type"), "the new alice cannot join: " + joined.encode());
          assertFalse(joined.encode().contains("alice's secret"));
          ctx.completeNow();
        })));
  }

  /** Bob, a member of alice's members-only "club", on every transport; then alice takes him off the list. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void losingAccessToARoomCutsItOnEveryTransport(Vertx vertx, VertxTestContext ctx) {
    String feed = Addresses.roomFeed("club");
    String[] alice = new String[1];
    String[] bob = new String[1];
    WsTestClient[] ws = new WsTestClient[1];
    SseTestClient[] sse = new SseTestClient[1];
    BusTestClient[] tcp = new BusTestClient[1];
    BusTestClient[] sockJs = new BusTestClient[1];
    long[] removedAt = new long[1];
    Accounts.register(web, hub.port, "alice")
        .compose(a -> {
          alice[0] = a.getString("token");
          return Accounts.register(web, hub.port, "bob");
        })
        .compose(b -> {
          bob[0] = b.getString("token");
          return web.post(hub.port, "127.0.0.1", "/api/rooms/club/messages").putHeader("Authorization", Accounts.bearer(alice[0]))
              .sendJsonObject(new JsonObject().put("text", "mine"));
        })
        .compose(posted -> web.put(hub.port, "127.0.0.1", "/api/rooms/club/access").putHeader("Authorization", Accounts.bearer(alice[0]))
            .sendJsonObject(new JsonObject().put("private", true).put("members", new JsonArray().add("bob"))))
        .compose(opened -> {
          assertEquals(200, opened.statusCode(), opened.bodyAsString());
          return WsTestClient.withToken(vertx, hub.port, bob[0]);
        })
        .compose(client -> {
          ws[0] = client;
          client.send(new JsonObject().put("type", "join").put("room", "club"));
          return client.skipTo("history");
        })
        .compose(v -> SseTestClient.connect(vertx, hub.port, "/rooms/club/events?format=json", authorization(bob[0])))
        .compose(client -> {
          sse[0] = client;
          return client.expect("roster");
        })
        .compose(v -> member(BusTestClient.tcp(vertx, hub.tcpPort()), feed, bob[0]))
        .compose(client -> {
          tcp[0] = client;
          return member(BusTestClient.sockJs(vertx, hub.port), feed, bob[0]);
        })
        .compose(client -> {
          sockJs[0] = client;
          removedAt[0] = System.currentTimeMillis();
          return web.put(hub.port, "127.0.0.1", "/api/rooms/club/access").putHeader("Authorization", Accounts.bearer(alice[0]))
              .sendJsonObject(new JsonObject().put("private", true).put("members", new JsonArray()));
        })
        .compose(removed -> {
          assertEquals(200, removed.statusCode(), removed.bodyAsString());
          return Future.all(ws[0].skipTo("error"), sse[0].ended(), tcp[0].skipErr(), sockJs[0].skipErr());
        })
        .onComplete(ctx.succeeding(cut -> ctx.verify(() -> {
          long took = System.currentTimeMillis() - removedAt[0];
          JsonObject wsError = cut.resultAt(0);
          assertTrue(wsError.getString("message").contains("members-only"), wsError.encode());
          for (int i = 2; i < 4; i++) {
            JsonObject err = cut.resultAt(i);
            assertEquals(feed, err.getString("address"), err.encode());
            assertEquals(403, err.getInteger("failureCode"), err.encode());
          }
          assertTrue(took < 5_000, "cut " + took + " ms after the change");
          ctx.completeNow();
        })));
  }

  /** A bridge client registered to {@code feed} as the token's user, live (its own post came back). */
  private static Future<BusTestClient> member(Future<BusTestClient> connecting, String feed, String token) {
    return connecting.compose(bus -> {
      bus.register(feed, bearer(token));
      String reply = bus.request(Addresses.CHAT, new JsonObject().put("room", Addresses.roomOf(feed)).put("text", "bob here"), bearer(token));
      return replied(bus, reply);
    });
  }

  /** Completes once the reply to {@code replyAddress} came (the frames before it were handled, in order), skipping other deliveries. */
  private static Future<BusTestClient> replied(BusTestClient bus, String replyAddress) {
    return bus.next().compose(frame -> {
      assertFalse("err".equals(frame.getString("type")), frame.encode());
      return replyAddress.equals(frame.getString("address")) ? Future.succeededFuture(bus) : replied(bus, replyAddress);
    });
  }
}
