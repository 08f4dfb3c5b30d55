package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens expire while connections stay open: a WebSocket gets an error and 4401 at expiry unless an
 * {@code auth} frame brought a fresh token; an event stream ends. The tests wait for the close, never sleep.
 */
@ExtendWith(VertxExtension.class)
class TokenExpiryTest {

  private TestHub hub;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    TestHub.start(vertx)
        .compose(h -> {
          hub = h;
          return Accounts.register(web, hub.port, "alice");
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aWebSocketClosesWith4401AtExpiryUnlessRefreshed(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    // The refreshed socket's first token expires a second before the other's: once the other is closed,
    // the first would have been too, had the refresh not counted.
    WsTestClient.withToken(vertx, hub.port, Accounts.token(vertx, "alice", 2))
        .compose(refreshed -> {
          c[0] = refreshed;
          return refreshed.expect("authenticated");
        })
        .compose(v -> {
          c[0].send(new JsonObject().put("type", "auth").put("token", Accounts.token(vertx, "alice", 3600)));
          return c[0].expect("authenticated");
        })
        .compose(fresh -> {
          assertTrue(fresh.getLong("expiresAt") > System.currentTimeMillis() + 3_000_000L);
          c[0].send(new JsonObject().put("type", "join").put("room", "expiry"));
          return c[0].skipTo("history");
        })
        .compose(v -> WsTestClient.withToken(vertx, hub.port, Accounts.token(vertx, "alice", 3)))
        .compose(expiring -> {
          c[1] = expiring;
          return expiring.expect("authenticated");
        })
        .compose(v -> c[1].expect("error"))
        .compose(error -> {
          assertTrue(error.getString("message").contains("token expired"), error.encode());
          return c[1].closed();
        })
        .compose(code -> {
          assertEquals((short) 4401, code);
          c[0].send(new JsonObject().put("type", "chat").put("text", "still here"));
          return c[0].skipTo("chat");
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("still here", chat.getString("text"));
          assertEquals("alice", chat.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void anAuthFrameForAnotherUserIsRefused(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    Accounts.register(web, hub.port, "bob")
        .compose(bob -> WsTestClient.withToken(vertx, hub.port, Accounts.token(vertx, "alice", 3600))
            .compose(ws -> ws.expect("authenticated").compose(a -> {
              ws.send(new JsonObject().put("type", "auth").put("token", bob.getString("token")));
              return ws.expect("error");
            })))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertTrue(error.getString("message").contains("logged in as 'alice'"), error.encode());
          ctx.completeNow();
        })));
  }

  @Test
  void anEventStreamEndsAtExpiry(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] stream = new SseTestClient[1];
    SseTestClient.connect(vertx, hub.port, "/rooms/expiry/events?format=json",
            MultiMap.caseInsensitiveMultiMap().add("Authorization", Accounts.bearer(Accounts.token(vertx, "alice", 2))))
        .compose(s -> {
          stream[0] = s;
          return s.skipTo("error");
        })
        .compose(error -> {
          assertTrue(error.json().getString("message").contains("token expired"), error.data());
          return stream[0].ended();
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
