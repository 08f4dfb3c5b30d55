package dev.hubbub.web;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class RestApiTest {

  private TestHub hub;
  private WebClient http;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  @Test
  void roomsListsActiveRoomsSortedWithTheirMemberCounts(Vertx vertx, VertxTestContext ctx) {
    http.get(hub.port, "127.0.0.1", "/api/rooms").send()
        .compose(empty -> {
          assertEquals(200, empty.statusCode());
          assertEquals(new JsonObject().put("rooms", new JsonArray()), empty.bodyAsJsonObject());
          return WsTestClient.joined(vertx, hub.port, "zeta", "a");
        })
        .compose(c -> WsTestClient.joined(vertx, hub.port, "alpha", "b"))
        .compose(c -> WsTestClient.joined(vertx, hub.port, "zeta", "c"))
        .compose(c -> http.get(hub.port, "127.0.0.1", "/api/rooms").send())
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals("application/json; charset=utf-8", res.getHeader("Content-Type"));
          assertEquals(new JsonObject().put("rooms", new JsonArray()
              .add(new JsonObject().put("room", "alpha").put("users", 1))
              .add(new JsonObject().put("room", "zeta").put("users", 2))), res.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  void healthReportsUp(VertxTestContext ctx) {
    http.get(hub.port, "127.0.0.1", "/health").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(200, res.statusCode());
          assertEquals("up", res.bodyAsJsonObject().getString("status"));
          assertTrue(res.bodyAsJsonObject().getLong("uptimeMs") >= 0);
          ctx.completeNow();
        })));
  }

  @Test
  void unknownApiPathsAnswer404WithAJsonError(VertxTestContext ctx) {
    http.get(hub.port, "127.0.0.1", "/api/nope").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(404, res.statusCode());
          assertEquals(new JsonObject().put("error", "no such endpoint"), res.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  void theChatClientIsServedAtTheRoot(VertxTestContext ctx) {
    http.get(hub.port, "127.0.0.1", "/").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(200, res.statusCode());
          assertTrue(res.bodyAsString().contains("app.js"));
          ctx.completeNow();
        })));
  }
}
