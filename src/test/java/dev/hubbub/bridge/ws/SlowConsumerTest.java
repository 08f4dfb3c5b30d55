package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that stops reading is disconnected with 1013 instead of making the server buffer without bound. */
@ExtendWith(VertxExtension.class)
class SlowConsumerTest {

  private static final int MAX_MESSAGES = 6_000;

  @Test
  void aClientThatStopsReadingIsClosedWith1013(Vertx vertx, VertxTestContext ctx) {
    JsonObject overrides = new JsonObject().put("limits", new JsonObject().put("outboundQueueBytes", 16 * 1024));
    WsTestClient[] c = new WsTestClient[2];
    TestHub.start(vertx, overrides)
        .compose(hub -> WsTestClient.connect(vertx, hub.port, new WebSocketClientOptions().setReceiveBufferSize(4096))
            .compose(slow -> {
              c[0] = slow;
              return slow.join("flood", "slow");
            })
            .compose(w -> c[0].skipTo("roster"))
            .compose(r -> WsTestClient.joined(vertx, hub.port, "flood", "fast")))
        .compose(fast -> {
          c[1] = fast;
          c[0].socket().pause(); // stop reading: the kernel buffers fill, then the server's queue
          String text = "y".repeat(4000);
          for (int i = 0; i < MAX_MESSAGES; i++) {
            fast.chat(text);
          }
          return fast.skipTo("left");
        })
        .compose(left -> {
          assertEquals("slow", left.getString("username"));
          return c[1].expect("roster");
        })
        .compose(roster -> {
          assertEquals(List.of("fast"), roster.getJsonArray("users").getList());
          c[0].socket().resume();
          return c[0].closed();
        })
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertEquals((short) 1013, code);
          assertTrue(c[0].closeReason().startsWith("slow consumer: reconnect and resume after seq "), c[0].closeReason());
          ctx.completeNow();
        })));
  }
}
