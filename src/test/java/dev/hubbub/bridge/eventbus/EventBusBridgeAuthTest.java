package dev.hubbub.bridge.eventbus;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may do what through the event-bus bridges: tokens in frame headers, the SockJS login cookie, private rooms. */
@ExtendWith(VertxExtension.class)
class EventBusBridgeAuthTest {

  private static Future<BusTestClient> connect(Vertx vertx, TestHub hub, String transport) {
    return transport.equals("tcp") ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port);
  }

  private static JsonObject bearer(String token) {
    return new JsonObject().put("authorization", Accounts.bearer(token));
  }

  private static JsonObject chat(String room, String text, String username) {
    return new JsonObject().put("room", room).put("text", text).put("username", username);
  }

  /** Expects the next frame to be an error with {@code code}, then hands the client on. */
  private static Future<BusTestClient> refused(BusTestClient client, Function<BusTestClient, Object> bad, int code) {
    bad.apply(client);
    return client.next().map(error -> {
      assertEquals("err", error.getString("type"), error.encode());
      assertEquals(code, error.getInteger("failureCode"), error.encode());
      return client;
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void theTokenNamesTheAuthorWhateverTheBodyClaims(String transport, Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    TestHub.start(vertx)
        .compose(hub -> Accounts.register(web, hub.port, "tess")
            .compose(tess -> connect(vertx, hub, transport).compose(c -> {
              String token = tess.getString("token");
              c.register(Addresses.roomFeed("lobby"), bearer(token));
              c.request(Addresses.CHAT, chat("lobby", "it was me", "mallory"), bearer(token));
              return c.nextEvent("chat");
            }))
            // A guest may not borrow a registered name either.
            .compose(event -> connect(vertx, hub, transport).compose(guest ->
                refused(guest, g -> g.request(Addresses.CHAT, chat("lobby", "me too", "tess")), 403)).map(event)))
        .onComplete(ctx.succeeding(event -> ctx.verify(() -> {
          JsonObject body = event.getJsonObject("body");
          assertEquals("tess", body.getString("username"));
          assertFalse(body.getBoolean("guest", false));
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void withGuestsOffOnlyAValidTokenGetsIn(String transport, Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    JsonObject noGuests = new JsonObject().put("auth", new JsonObject().put("guests", false));
    String feed = Addresses.roomFeed("lobby");
    TestHub.start(vertx, noGuests)
        .compose(hub -> Accounts.register(web, hub.port, "tess").compose(tess -> connect(vertx, hub, transport)
            .compose(c -> refused(c, x -> x.register(feed), 401))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("lobby", "anon", "anon")), 401))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("lobby", "forged", "x"),
                bearer(Accounts.token(vertx, "not-the-hub-secret-0123456789-abcdefghijkl", "tess", 3600))), 401))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("lobby", "unsigned", "x"), bearer(Accounts.unsigned("tess"))), 401))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("lobby", "expired", "x"), bearer(Accounts.token(vertx, "tess", -60))), 401))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("lobby", "not a jwt", "x"), bearer("abc.def")), 401))
            .compose(c -> {
              // Nothing above was stored: the first accepted message is seq 1.
              c.request(Addresses.CHAT, chat("lobby", "hello", "x"), bearer(tess.getString("token")));
              return c.next();
            })))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(1L, reply.getJsonObject("body").getLong("seq"), reply.encode());
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void privateRoomsAreClosedToNonMembersAndTakenFromThemWhenTheyClose(String transport, Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    JsonObject[] users = new JsonObject[3];
    BusTestClient[] guest = new BusTestClient[1];
    String feed = Addresses.roomFeed("secret");
    TestHub.start(vertx).compose(hub -> Accounts.register(web, hub.port, "alice")
            .compose(a -> {
              users[0] = a;
              return Accounts.register(web, hub.port, "bob");
            })
            .compose(b -> {
              users[1] = b;
              return Accounts.register(web, hub.port, "mallory");
            })
            .compose(m -> {
              users[2] = m;
              // Alice's first post in the new room makes her its creator.
              return connect(vertx, hub, transport).compose(alice -> {
                alice.request(Addresses.CHAT, chat("secret", "claim", "alice"), bearer(users[0].getString("token")));
                return alice.next();
              });
            })
            .compose(x -> connect(vertx, hub, transport))
            .compose(g -> {
              // A guest follows the room while it is open.
              guest[0] = g;
              g.register(feed);
              g.request(Addresses.CHAT, chat("secret", "guest was here", "visitor"));
              return g.nextEvent("chat").compose(y -> g.next());
            })
            .compose(x -> web.put(hub.port, "127.0.0.1", "/api/rooms/secret/access")
                .putHeader("Authorization", Accounts.bearer(users[0].getString("token")))
                .sendJsonObject(new JsonObject().put("private", true).put("members", new JsonArray().add("bob"))))
            .compose(put -> {
              assertEquals(200, put.statusCode(), put.bodyAsString());
              // The guest's subscription is taken away, with the reason, on the feed's address.
              return guest[0].skipErr();
            })
            .compose(revoked -> {
              assertEquals(feed, revoked.getString("address"));
              assertEquals(403, revoked.getInteger("failureCode"));
              return connect(vertx, hub, transport);
            })
            .compose(c -> refused(c, x -> x.register(feed, bearer(users[2].getString("token"))), 403))
            .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("secret", "let me in", "m"), bearer(users[2].getString("token"))), 403))
            .compose(c -> refused(c, x -> x.send(new JsonObject().put("type", "register").put("address", feed)
                .put("headers", bearer(users[2].getString("token")).put("since", "0"))), 403))
            .compose(c -> {
              // A member reads it, history included.
              c.register(feed, bearer(users[1].getString("token")).put("since", "0"));
              return c.nextEvent("chat");
            }))
        .onComplete(ctx.succeeding(first -> ctx.verify(() -> {
          assertEquals(1L, first.getJsonObject("body").getLong("seq"));
          ctx.completeNow();
        })));
  }

  @Test
  void theSockJsLoginCookieCountsOnlyFromAnAllowedOrigin(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("guests", false)))
        .compose(hub -> Accounts.register(web, hub.port, "cookie-user").compose(user -> {
          String cookie = Accounts.LOGIN_COOKIE + "=" + user.getString("token");
          MultiMap foreign = MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie).add("Origin", "http://evil.example");
          MultiMap same = MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie).add("Origin", "http://127.0.0.1:" + hub.port);
          return BusTestClient.sockJs(vertx, hub.port, foreign)
              .compose(c -> c.next().compose(err -> {
                assertEquals(403, err.getInteger("failureCode"), err.encode());
                return c.closed();
              }))
              .compose(v -> BusTestClient.sockJs(vertx, hub.port, same))
              .compose(c -> {
                c.request(Addresses.CHAT, chat("lobby", "via cookie", "ignored"));
                return c.next();
              });
        }))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertTrue(reply.getJsonObject("body").containsKey("seq"), reply.encode());
          ctx.completeNow();
        })));
  }
}
