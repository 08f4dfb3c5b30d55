package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.Forms;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, login, logout, who-am-I and account deletion over HTTP. */
@ExtendWith(VertxExtension.class)
class AccountsApiTest {

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("maxFailedLogins", 3).put("maxFailedLoginsPerAddress", 6)))
        .onComplete(ctx.succeeding(h -> {
          hub = h;
          ctx.completeNow();
        }));
  }

  private Future<HttpResponse<Buffer>> login(String username, String password) {
    return web.post(hub.port, "127.0.0.1", "/api/login").sendJsonObject(new JsonObject().put("username", username).put("password", password));
  }

  @Test
  void registerGivesATokenAndAStrictHttpOnlyCookieButNeverThePasswordOrItsHash(Vertx vertx, VertxTestContext ctx) {
    web.post(hub.port, "127.0.0.1", "/api/register")
        .sendJsonObject(new JsonObject().put("username", "alice").put("password", Accounts.PASSWORD))
        .compose(registered -> {
          assertEquals(201, registered.statusCode(), registered.bodyAsString());
          JsonObject body = registered.bodyAsJsonObject();
          assertEquals("alice", body.getString("username"));
          assertNotNull(body.getString("token"));
          assertTrue(body.getLong("expiresAt") > System.currentTimeMillis());
          assertNoSecrets(registered.bodyAsString());
          String cookie = Forms.setCookie(registered, Accounts.LOGIN_COOKIE);
          assertTrue(cookie.contains("HTTPOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), cookie);
          return login("alice", Accounts.PASSWORD);
        })
        .compose(loggedIn -> {
          assertEquals(200, loggedIn.statusCode(), loggedIn.bodyAsString());
          assertNoSecrets(loggedIn.bodyAsString());
          String token = loggedIn.bodyAsJsonObject().getString("token");
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(token)).send();
        })
        .onComplete(ctx.succeeding(me -> ctx.verify(() -> {
          assertEquals(200, me.statusCode());
          JsonObject body = me.bodyAsJsonObject();
          assertEquals(true, body.getBoolean("authenticated"));
          assertEquals("alice", body.getString("username"));
          assertNoSecrets(me.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void namesAreUniqueIgnoringCaseAndBadInputIsRefused(Vertx vertx, VertxTestContext ctx) {
    Accounts.register(web, hub.port, "Bob")
        .compose(v -> web.post(hub.port, "127.0.0.1", "/api/register")
            .sendJsonObject(new JsonObject().put("username", "bob").put("password", Accounts.PASSWORD)))
        .compose(taken -> {
          assertEquals(409, taken.statusCode());
          assertTrue(taken.bodyAsJsonObject().getString("error").contains("taken"));
          return web.post(hub.port, "127.0.0.1", "/api/register").sendJsonObject(new JsonObject().put("username", "carol").put("password", "short"));
        })
        .compose(shortPassword -> {
          assertEquals(400, shortPassword.statusCode());
          return web.post(hub.port, "127.0.0.1", "/api/register").sendBuffer(Buffer.buffer("not json"));
        })
        .onComplete(ctx.succeeding(notJson -> ctx.verify(() -> {
          assertEquals(400, notJson.statusCode());
          assertNotNull(notJson.bodyAsJsonObject().getString("error"));
          ctx.completeNow();
        })));
  }

  @Test
  void failedLoginsAreLimitedPerAccountAndPerAddress(Vertx vertx, VertxTestContext ctx) {
    Accounts.register(web, hub.port, "dave")
        .compose(v -> login("dave", "wrong password 1"))
        .compose(r -> {
          assertEquals(401, r.statusCode());
          assertEquals("wrong username or password", r.bodyAsJsonObject().getString("error"));
          return login("dave", "wrong password 2");
        })
        .compose(r -> login("dave", "wrong password 3"))
        .compose(r -> {
          assertEquals(401, r.statusCode());
          // The account is now locked for the window, even with the right password.
          return login("dave", Accounts.PASSWORD);
        })
        .compose(locked -> {
          assertEquals(429, locked.statusCode(), locked.bodyAsString());
          assertTrue(locked.bodyAsJsonObject().getString("error").contains("too many failed logins"));
          // An unknown name fails the same way as a wrong password, and counts against the address.
          return login("nobody-1", "whatever password");
        })
        .compose(r -> {
          assertEquals(401, r.statusCode());
          assertEquals("wrong username or password", r.bodyAsJsonObject().getString("error"));
          return login("nobody-2", "whatever password");
        })
        .compose(r -> login("nobody-3", "whatever password"))
        .compose(r -> {
          assertEquals(401, r.statusCode());
          // Six failures from this address: any account is refused from here now.
          return Accounts.register(web, hub.port, "erin").compose(v -> login("erin", Accounts.PASSWORD));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(429, r.statusCode(), r.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void logoutClearsTheCookieAndADeletedAccountsTokenIsRefused(Vertx vertx, VertxTestContext ctx) {
    String[] token = new String[1];
    Accounts.register(web, hub.port, "frank")
        .compose(frank -> {
          token[0] = frank.getString("token");
          return web.post(hub.port, "127.0.0.1", "/api/logout").putHeader("Authorization", Accounts.bearer(token[0])).send();
        })
        .compose(loggedOut -> {
          assertEquals(204, loggedOut.statusCode());
          String cleared = Forms.setCookie(loggedOut, Accounts.LOGIN_COOKIE);
          assertTrue(cleared.contains("Max-Age=0"), cleared);
          return Accounts.delete(web, hub.port, token[0]);
        })
        .compose(deleted -> {
          assertEquals(204, deleted.statusCode());
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(token[0])).send();
        })
        .compose(me -> {
          assertEquals(401, me.statusCode());
          assertTrue(me.bodyAsJsonObject().getString("error").contains("no longer exists"));
          return web.get(hub.port, "127.0.0.1", "/api/me").send();
        })
        .onComplete(ctx.succeeding(anonymous -> ctx.verify(() -> {
          assertEquals(200, anonymous.statusCode());
          assertEquals(false, anonymous.bodyAsJsonObject().getBoolean("authenticated"));
          assertEquals(true, anonymous.bodyAsJsonObject().getBoolean("guests"));
          ctx.completeNow();
        })));
  }

  @Test
  void theDashboardLoginFormLogsInWithACsrfTokenAndNotWithout(Vertx vertx, VertxTestContext ctx) {
    io.vertx.core.MultiMap form = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("username", "grace").add("password", Accounts.PASSWORD);
    Accounts.register(web, hub.port, "grace")
        .compose(v -> web.post(hub.port, "127.0.0.1", "/api/login").sendForm(form))
        .compose(forged -> {
          assertEquals(403, forged.statusCode(), "a form post without the page's CSRF token");
          assertTrue(forged.bodyAsJsonObject().getString("error").contains("CSRF"));
          return Forms.post(web, hub.port, "/dashboard", "/api/login", form, null, false);
        })
        .compose(loggedIn -> {
          assertEquals(303, loggedIn.statusCode());
          assertEquals("/dashboard", loggedIn.getHeader("Location"));
          String cookie = Forms.cookie(loggedIn, Accounts.LOGIN_COOKIE);
          assertNotNull(cookie);
          return web.get(hub.port, "127.0.0.1", "/dashboard").putHeader("Cookie", Accounts.LOGIN_COOKIE + "=" + cookie).send();
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertTrue(page.bodyAsString().contains("Logged in as <strong>grace</strong>"), page.bodyAsString());
          assertFalse(page.bodyAsString().contains("pbkdf2"));
          ctx.completeNow();
        })));
  }

  private static void assertNoSecrets(String body) {
    assertFalse(body.contains(Accounts.PASSWORD), body);
    assertFalse(body.contains("pbkdf2"), body);
    assertFalse(body.toLowerCase().contains("hash"), body);
  }
}
