package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.Forms;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a hub that admits no guests, every way in refuses a request with no token, a forged signature, an
 * expired token, an unsigned ({@code alg: none}) token and the token of a deleted user, and nothing any of
 * them tried is published: a member watching the room sees the next real message as seq 1.
 */
@ExtendWith(VertxExtension.class)
class TokenRefusalTest {

  private static final String ROOM = "guarded";

  /** One bad credential: {@code token} is null for "no token at all". */
  record Bad(String name, String token) {
  }

  private TestHub hub;
  private WebClient web;
  private HttpClient http;
  private WsTestClient watcher;
  private String watcherToken;
  private final List<Bad> bad = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    http = vertx.createHttpClient();
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("guests", false)))
        .compose(h -> {
          hub = h;
          return Accounts.register(web, hub.port, "victim");
        })
        .compose(v -> Accounts.register(web, hub.port, "ghost"))
        .compose(ghost -> Accounts.delete(web, hub.port, ghost.getString("token")).map(ghost.getString("token")))
        .compose(ghostToken -> {
          bad.add(new Bad("no token", null));
          bad.add(new Bad("forged signature", Accounts.token(vertx, "another-secret-that-is-long-enough-0123456789", "victim", 3600)));
          bad.add(new Bad("expired", Accounts.token(vertx, "victim", -60)));
          bad.add(new Bad("alg none", Accounts.unsigned("victim")));
          bad.add(new Bad("deleted user", ghostToken));
          bad.add(new Bad("not a JWT", "not.a.jwt"));
          return Accounts.register(web, hub.port, "watcher");
        })
        .compose(w -> {
          watcherToken = w.getString("token");
          return WsTestClient.withToken(vertx, hub.port, watcherToken);
        })
        .compose(ws -> {
          watcher = ws;
          ws.send(new JsonObject().put("type", "join").put("room", ROOM));
          return ws.skipTo("history");
        })
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  /** Runs {@code attempt} for every bad credential in turn. */
  private Future<Void> each(Function<Bad, Future<Void>> attempt) {
    Future<Void> chain = Future.succeededFuture();
    for (Bad b : bad) {
      chain = chain.compose(v -> attempt.apply(b).recover(e -> Future.failedFuture(new AssertionError(b.name() + ": " + e.getMessage(), e))));
    }
    return chain;
  }

  /** Nothing was published: the watcher's next chat is the one posted now, with seq 1. */
  private Future<Void> nothingPublished() {
    return web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").putHeader("Authorization", Accounts.bearer(watcherToken))
        .sendJsonObject(new JsonObject().put("text", "the first real message"))
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          return watcher.skipTo("chat");
        })
        .map(chat -> {
          assertEquals("the first real message", chat.getString("text"));
          assertEquals(1L, chat.getLong("seq"));
          assertEquals("watcher", chat.getString("username"));
          return null;
        });
  }

  private static <T> HttpRequest<T> authorize(HttpRequest<T> request, Bad b) {
    return b.token() == null ? request : request.putHeader("Authorization", Accounts.bearer(b.token()));
  }

  @Test
  void theHttpApiAnswers401(Vertx vertx, VertxTestContext ctx) {
    each(b -> authorize(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages"), b)
        .sendJsonObject(new JsonObject().put("text", "sneaked in by " + b.name()).put("username", "victim"))
        .compose(r -> {
          assertEquals(401, r.statusCode(), r.bodyAsString());
          assertNotNull(r.bodyAsJsonObject().getString("error"));
          return authorize(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages?q=real"), b).send();
        })
        .map(search -> {
          assertEquals(401, search.statusCode(), search.bodyAsString());
          return null;
        }))
        .compose(v -> nothingPublished())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theEventStreamAnswers401(Vertx vertx, VertxTestContext ctx) {
    each(b -> {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(hub.port)
          .setURI("/rooms/" + ROOM + "/events?format=json").putHeader("Accept", "text/event-stream");
      if (b.token() != null) {
        options.putHeader("Cookie", Accounts.LOGIN_COOKIE + "=" + b.token());
      }
      return http.request(options).compose(req -> req.send()).compose(r -> r.body().map(body -> {
        assertEquals(401, r.statusCode(), body.toString());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        assertNotNull(body.toJsonObject().getString("error"));
        return null;
      }));
    })
        .compose(v -> nothingPublished())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theHtmxFormAnswers401(Vertx vertx, VertxTestContext ctx) {
    each(b -> {
      String cookie = b.token() == null ? null : Accounts.LOGIN_COOKIE + "=" + b.token();
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("username", "victim").add("text", "sneaked in by " + b.name());
      // The page itself is refused too; the CSRF token comes from the dashboard, which anyone may open.
      return web.get(hub.port, "127.0.0.1", "/rooms/" + ROOM).putHeader("Cookie", cookie == null ? "" : cookie).send()
          .compose(page -> {
            assertEquals(401, page.statusCode(), page.bodyAsString());
            return Forms.post(web, hub.port, "/dashboard", "/rooms/" + ROOM + "/messages", form, cookie, true);
          })
          .map(r -> {
            assertEquals(401, r.statusCode(), r.bodyAsString());
            return null;
          });
    })
        .compose(v -> nothingPublished())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theWebSocketSendsAnErrorAndCloses4401(Vertx vertx, VertxTestContext ctx) {
    each(b -> {
      Future<WsTestClient> connected = b.token() == null ? WsTestClient.connect(vertx, hub.port) : WsTestClient.withToken(vertx, hub.port, b.token());
      return connected.compose(ws -> {
        ws.send(new JsonObject().put("type", "join").put("room", ROOM).put("username", "victim"));
        ws.send(new JsonObject().put("type", "chat").put("text", "sneaked in by " + b.name()));
        return refused(ws);
      });
    })
        // The same tokens in a first `auth` frame, and in the login cookie from our own origin.
        .compose(v -> each(b -> b.token() == null ? Future.succeededFuture() : WsTestClient.connect(vertx, hub.port).compose(ws -> {
          ws.send(new JsonObject().put("type", "auth").put("token", b.token()));
          ws.send(new JsonObject().put("type", "join").put("room", ROOM).put("username", "victim"));
          return refused(ws);
        })))
        .compose(v -> each(b -> b.token() == null ? Future.succeededFuture() : WsTestClient.connect(vertx, hub.port,
            MultiMap.caseInsensitiveMultiMap().add("Cookie", Accounts.LOGIN_COOKIE + "=" + b.token()).add("Origin", "http://127.0.0.1:" + hub.port))
            .compose(ws -> {
              ws.send(new JsonObject().put("type", "join").put("room", ROOM));
              return refused(ws);
            })))
        .compose(v -> nothingPublished())
        .onComplete(ctx.succeedingThenComplete());
  }

  /** An {@code error} frame, then the close with 4401. */
  private static Future<Void> refused(WsTestClient ws) {
    return ws.expect("error")
        .compose(error -> {
          assertNotNull(error.getString("message"));
          return ws.closed();
        })
        .map(code -> {
          assertEquals((short) 4401, code);
          return null;
        });
  }

  @Test
  void aValidTokenWorksEverywhereTheBadOnesDoNot(Vertx vertx, VertxTestContext ctx) {
    // The control: the same requests with a good token get through.
    Accounts.register(web, hub.port, "henry")
        .compose(henry -> {
          String token = henry.getString("token");
          return web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").putHeader("Authorization", Accounts.bearer(token)).send()
              .compose(r -> {
                assertEquals(200, r.statusCode(), r.bodyAsString());
                return web.get(hub.port, "127.0.0.1", "/rooms/" + ROOM).putHeader("Cookie", Accounts.LOGIN_COOKIE + "=" + token).send();
              });
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertEquals(200, page.statusCode());
          assertTrue(page.bodyAsString().contains("value=\"henry\" readonly"), page.bodyAsString());
          ctx.completeNow();
        })));
  }
}
