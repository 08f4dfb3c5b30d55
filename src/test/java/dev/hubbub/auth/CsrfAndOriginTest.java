package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the login cookie may do: forms and cookie-authenticated API calls need the page's CSRF token; WebSockets need our Origin. */
@ExtendWith(VertxExtension.class)
class CsrfAndOriginTest {

  private TestHub hub;
  private WebClient web;
  private String loginCookie;
  private String token;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("allowedOrigins", "https://chat.example.com")))
        .compose(h -> {
          hub = h;
          return Accounts.register(web, hub.port, "alice");
        })
        .onComplete(ctx.succeeding(alice -> {
          token = alice.getString("token");
          loginCookie = Accounts.LOGIN_COOKIE + "=" + token;
          ctx.completeNow();
        }));
  }

  @Test
  void cookieWritesWithoutTheCsrfTokenAreRefusedAndStoreNothing(Vertx vertx, VertxTestContext ctx) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("text", "posted by another site's form");
    web.post(hub.port, "127.0.0.1", "/rooms/csrf/messages").putHeader("Cookie", loginCookie).sendForm(form)
        .compose(noToken -> {
          assertEquals(403, noToken.statusCode(), noToken.bodyAsString());
          // A token of the attacker's own (valid, but not the one in the victim's cookie) fails the double submit.
          return Forms.csrfToken(web, hub.port, "/dashboard", null).compose(attackers -> Forms.csrfToken(web, hub.port, "/dashboard", null)
              .compose(victims -> web.post(hub.port, "127.0.0.1", "/rooms/csrf/messages")
                  .putHeader("Cookie", loginCookie + "; " + Forms.CSRF_COOKIE + "=" + victims)
                  .sendForm(MultiMap.caseInsensitiveMultiMap().addAll(form).add(Forms.CSRF_FIELD, attackers))));
        })
        .compose(mismatch -> {
          assertEquals(403, mismatch.statusCode(), mismatch.bodyAsString());
          return web.post(hub.port, "127.0.0.1", "/api/rooms/csrf/messages").putHeader("Cookie", loginCookie)
              .sendJsonObject(new JsonObject().put("text", "JSON with the cookie only"));
        })
        .compose(json -> {
          assertEquals(403, json.statusCode(), json.bodyAsString());
          assertTrue(json.bodyAsJsonObject().getString("error").contains("CSRF"));
          return web.get(hub.port, "127.0.0.1", "/api/rooms/csrf/messages").send();
        })
        .compose(history -> {
          assertEquals(0, history.bodyAsJsonObject().getJsonArray("messages").size(), "nothing was stored");
          // With the page's token, the same form goes through; with a bearer token no CSRF token is needed.
          return Forms.post(web, hub.port, "/rooms/csrf", "/rooms/csrf/messages", form, loginCookie, false);
        })
        .compose(withToken -> {
          assertEquals(303, withToken.statusCode(), withToken.bodyAsString());
          return web.post(hub.port, "127.0.0.1", "/api/rooms/csrf/messages").putHeader("Authorization", Accounts.bearer(token))
              .sendJsonObject(new JsonObject().put("text", "bearer needs no CSRF token"));
        })
        .compose(bearer -> {
          assertEquals(201, bearer.statusCode(), bearer.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Cookie", loginCookie).send();
        })
        .compose(me -> {
          String csrf = me.bodyAsJsonObject().getString("csrfToken");
          return web.post(hub.port, "127.0.0.1", "/api/rooms/csrf/messages")
              .putHeader("Cookie", loginCookie + "; " + Forms.CSRF_COOKIE + "=" + csrf).putHeader(Forms.CSRF_FIELD, csrf)
              .sendJsonObject(new JsonObject().put("text", "the JS client's way"));
        })
        .onComplete(ctx.succeeding(js -> ctx.verify(() -> {
          assertEquals(201, js.statusCode(), js.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void aWebSocketUsesTheCookieOnlyFromAnAllowedOrigin(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.connect(vertx, hub.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", loginCookie).add("Origin", "https://evil.example"))
        .onSuccess(ws -> ctx.failNow("a foreign origin got a socket with the login cookie"))
        .recover(foreign -> {
          assertTrue(foreign.getMessage().contains("403"), foreign.getMessage());
          return WsTestClient.connect(vertx, hub.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", loginCookie));
        })
        .onSuccess(ws -> ctx.failNow("no Origin at all got a socket with the login cookie"))
        .recover(noOrigin -> WsTestClient.connect(vertx, hub.port,
            MultiMap.caseInsensitiveMultiMap().add("Cookie", loginCookie).add("Origin", "https://chat.example.com")))
        .compose(allowed -> allowed.expect("authenticated"))
        .onComplete(ctx.succeeding(authenticated -> ctx.verify(() -> {
          assertEquals("alice", authenticated.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void withoutConfiguredOriginsThePageMustComeFromTheHostItself(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx)
        .compose(other -> Accounts.register(web, other.port, "bob").compose(bob -> {
          String cookie = Accounts.LOGIN_COOKIE + "=" + bob.getString("token");
          return WsTestClient.connect(vertx, other.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie).add("Origin", "http://localhost:1"))
              .onSuccess(ws -> ctx.failNow("another origin got a socket with the login cookie"))
              .recover(refused -> WsTestClient.connect(vertx, other.port,
                  MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie).add("Origin", "http://127.0.0.1:" + other.port)));
        }))
        .compose(same -> same.expect("authenticated"))
        .onComplete(ctx.succeeding(authenticated -> ctx.verify(() -> {
          assertEquals("bob", authenticated.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void theOriginMustMatchInSchemeHostAndPort(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx)
        .compose(other -> Accounts.register(web, other.port, "bob").compose(bob -> {
          String cookie = Accounts.LOGIN_COOKIE + "=" + bob.getString("token");
          // The hub speaks plain http: a page served over https elsewhere on the same host and port is another origin.
          return WsTestClient.connect(vertx, other.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie)
                  .add("Origin", "https://127.0.0.1:" + other.port))
              .map(ws -> "an https origin got a socket with the login cookie on an http hub")
              .otherwise((String) null)
              .compose(wrongScheme -> WsTestClient.connect(vertx, other.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie)
                      .add("Origin", "http://127.0.0.1:" + (other.port + 1)))
                  .map(ws -> "another port got a socket with the login cookie")
                  .otherwise(wrongScheme))
              .compose(wrong -> BusTestClient.sockJs(vertx, other.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie)
                      .add("Origin", "https://127.0.0.1:" + other.port))
                  .compose(BusTestClient::next)
                  .map(err -> wrong != null ? wrong : err.getInteger("failureCode", 0) == 403 ? null : "SockJS took an https origin: " + err.encode()))
              .compose(wrong -> WsTestClient.connect(vertx, other.port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie)
                      .add("Origin", "HTTP://127.0.0.1:" + other.port))
                  .compose(same -> same.expect("authenticated"))
                  .map(authenticated -> wrong));
        }))
        .onComplete(ctx.succeeding(wrong -> ctx.verify(() -> {
          assertNull(wrong, wrong);
          ctx.completeNow();
        })));
  }

  @Test
  void aCsrfTokenFromAnotherLoginDoesNotPassWithTheVictimsCookie(Vertx vertx, VertxTestContext ctx) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("text", "posted with mallory's CSRF pair");
    Accounts.register(web, hub.port, "mallory")
        .compose(mallory -> Forms.csrfToken(web, hub.port, "/dashboard", Accounts.LOGIN_COOKIE + "=" + mallory.getString("token")))
        // A valid token and cookie pair, from mallory's own session, planted next to alice's login cookie.
        .compose(mallorys -> web.post(hub.port, "127.0.0.1", "/rooms/csrf/messages")
            .putHeader("Cookie", loginCookie + "; " + Forms.CSRF_COOKIE + "=" + mallorys)
            .sendForm(MultiMap.caseInsensitiveMultiMap().addAll(form).add(Forms.CSRF_FIELD, mallorys)))
        .compose(planted -> {
          assertEquals(403, planted.statusCode(), "another login's pair: " + planted.bodyAsString());
          // Nor does a pair from a page opened before logging in.
          return Forms.csrfToken(web, hub.port, "/dashboard", null).compose(anonymous -> web.post(hub.port, "127.0.0.1", "/rooms/csrf/messages")
              .putHeader("Cookie", loginCookie + "; " + Forms.CSRF_COOKIE + "=" + anonymous)
              .sendForm(MultiMap.caseInsensitiveMultiMap().addAll(form).add(Forms.CSRF_FIELD, anonymous)));
        })
        .compose(anonymous -> {
          assertEquals(403, anonymous.statusCode(), "a logged-out page's pair: " + anonymous.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/rooms/csrf/messages").send();
        })
        .compose(history -> {
          assertEquals(0, history.bodyAsJsonObject().getJsonArray("messages").size(), "nothing was stored");
          return Forms.post(web, hub.port, "/rooms/csrf", "/rooms/csrf/messages", form, loginCookie, false);
        })
        .onComplete(ctx.succeeding(own -> ctx.verify(() -> {
          assertEquals(303, own.statusCode(), "alice's own page's token works: " + own.bodyAsString());
          ctx.completeNow();
        })));
  }
}
