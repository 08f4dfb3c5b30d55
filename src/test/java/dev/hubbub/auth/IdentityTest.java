package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.Forms;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name in an event is the token's for users; guests cannot take a registered name; guests' events say so. */
@ExtendWith(VertxExtension.class)
class IdentityTest {

  private TestHub hub;
  private WebClient web;
  private String aliceToken;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    TestHub.start(vertx)
        .compose(h -> {
          hub = h;
          return Accounts.register(web, hub.port, "alice");
        })
        .onComplete(ctx.succeeding(alice -> {
          aliceToken = alice.getString("token");
          ctx.completeNow();
        }));
  }

  @Test
  void aLoggedInJoinTakesTheTokensNameAndCannotClaimAnother(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.withToken(vertx, hub.port, aliceToken)
        .compose(ws -> {
          c[0] = ws;
          ws.send(new JsonObject().put("type", "join").put("room", "names").put("username", "mallory"));
          return ws.expect("authenticated").compose(a -> ws.expect("error"));
        })
        .compose(error -> {
          assertTrue(error.getString("message").contains("logged in as 'alice'"), error.encode());
          c[0].send(new JsonObject().put("type", "join").put("room", "names"));
          return c[0].expect("welcome");
        })
        .compose(welcome -> {
          assertEquals("alice", welcome.getString("username"));
          return WsTestClient.live(vertx, hub.port, "names", "guest-gary");
        })
        .compose(gary -> {
          c[1] = gary;
          c[0].send(new JsonObject().put("type", "chat").put("text", "from alice"));
          return gary.skipTo("chat");
        })
        .compose(chat -> {
          assertEquals("alice", chat.getString("username"));
          assertNull(chat.getValue("guest"), "a registered user's events carry no guest flag");
          c[1].send(new JsonObject().put("type", "chat").put("text", "from gary"));
          return c[0].skipTo("chat").compose(own -> c[0].skipTo("chat"));
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("guest-gary", chat.getString("username"));
          assertEquals(true, chat.getBoolean("guest"));
          ctx.completeNow();
        })));
  }

  @Test
  void aGuestCannotUseARegisteredNameInAnyCaseOnAnyTransport(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.connect(vertx, hub.port)
        .compose(ws -> {
          ws.send(new JsonObject().put("type", "join").put("room", "names").put("username", "ALICE"));
          return ws.expect("error");
        })
        .compose(error -> {
          assertTrue(error.getString("message").contains("registered user"), error.encode());
          return web.post(hub.port, "127.0.0.1", "/api/rooms/names/messages")
              .sendJsonObject(new JsonObject().put("username", "alice").put("text", "I am alice, honest"));
        })
        .compose(rest -> {
          assertEquals(403, rest.statusCode(), rest.bodyAsString());
          return Forms.post(web, hub.port, "/rooms/names", "/rooms/names/messages",
              MultiMap.caseInsensitiveMultiMap().add("username", "Alice").add("text", "me too"), null, true);
        })
        .compose(form -> {
          assertEquals(403, form.statusCode(), form.bodyAsString());
          assertTrue(form.bodyAsString().contains("registered user"), form.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/rooms/names/messages").send();
        })
        .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
          assertEquals(0, history.bodyAsJsonObject().getJsonArray("messages").size(), "nothing was stored");
          ctx.completeNow();
        })));
  }

  @Test
  void aLoggedInHttpWriteCannotNameSomeoneElse(Vertx vertx, VertxTestContext ctx) {
    web.post(hub.port, "127.0.0.1", "/api/rooms/names/messages").putHeader("Authorization", Accounts.bearer(aliceToken))
        .sendJsonObject(new JsonObject().put("username", "bob").put("text", "signed bob"))
        .compose(spoof -> {
          assertEquals(403, spoof.statusCode(), spoof.bodyAsString());
          return web.post(hub.port, "127.0.0.1", "/api/rooms/names/messages").putHeader("Authorization", Accounts.bearer(aliceToken))
              .sendJsonObject(new JsonObject().put("text", "signed by my token"));
        })
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/rooms/names/messages").send();
        })
        .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
          var messages = history.bodyAsJsonObject().getJsonArray("messages");
          assertEquals(1, messages.size());
          assertEquals("alice", messages.getJsonObject(0).getString("username"));
          assertFalse(messages.getJsonObject(0).containsKey("guest"));
          ctx.completeNow();
        })));
  }

  @Test
  void aGuestCannotEditOrDeleteARegisteredNamesakesMessages(Vertx vertx, VertxTestContext ctx) {
    // A guest's "carol" posted before carol registered: the registered carol does not own it, nor the reverse.
    String[] id = new String[1];
    web.post(hub.port, "127.0.0.1", "/api/rooms/names/messages").sendJsonObject(new JsonObject().put("username", "carol").put("text", "guest carol"))
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          id[0] = posted.bodyAsJsonObject().getString("id");
          return Accounts.register(web, hub.port, "carol");
        })
        .compose(carol -> web.delete(hub.port, "127.0.0.1", "/api/rooms/names/messages/" + id[0])
            .putHeader("Authorization", Accounts.bearer(carol.getString("token"))).send())
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(403, refused.statusCode(), refused.bodyAsString());
          ctx.completeNow();
        })));
  }
}
