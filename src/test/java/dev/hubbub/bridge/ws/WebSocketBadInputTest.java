package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every kind of bad frame gets a clear error frame and leaves the socket usable. */
@ExtendWith(VertxExtension.class)
class WebSocketBadInputTest {

  private TestHub hub;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx, new JsonObject().put("limits", new JsonObject().put("maxTextChars", 100).put("maxFrameBytes", 4096)))
        .onComplete(ctx.succeeding(h -> {
          hub = h;
          ctx.completeNow();
        }));
  }

  /** Sends {@code bad}, expects an error with {@code message}, then proves the socket still works. */
  private Future<WsTestClient> rejects(WsTestClient client, Function<WsTestClient, WsTestClient> bad, String message) {
    bad.apply(client);
    return client.expect("error").compose(error -> {
      assertEquals(message, error.getString("message"));
      return Future.succeededFuture(client);
    });
  }

  private static JsonObject frame(String type) {
    return new JsonObject().put("type", type);
  }

  @Test
  void badFramesBeforeJoining(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.connect(vertx, hub.port)
        .compose(c -> rejects(c, x -> x.sendText("{not json"), "invalid message: expected a JSON object"))
        .compose(c -> rejects(c, x -> x.sendText("[1,2,3]"), "invalid message: expected a JSON object"))
        .compose(c -> rejects(c, x -> x.sendText("{\"text\":\"no type\"}"), "missing field 'type'"))
        .compose(c -> rejects(c, x -> x.send(frame("dance")), "unknown type 'dance'"))
        .compose(c -> rejects(c, x -> x.send(frame("chat").put("text", "hi")), "join a room before chatting"))
        .compose(c -> rejects(c, x -> x.send(frame("leave")), "not in a room"))
        .compose(c -> rejects(c, x -> x.sendBinary(Buffer.buffer(new byte[] {1, 2, 3})), "binary frames are not supported: send JSON text frames"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("username", "alice")), "missing field 'room'"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "general")), "missing field 'username'"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", 42).put("username", "alice")), "field 'room' must be a string"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "no spaces").put("username", "alice")),
            "room must be 1-64 characters of A-Z a-z 0-9 . _ -"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "r".repeat(65)).put("username", "alice")),
            "room must be 1-64 characters of A-Z a-z 0-9 . _ -"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "general").put("username", "a".repeat(33))),
            "username must be 1-32 printable characters"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "general").put("username", "bell\u0007")),
            "username must be 1-32 printable characters without surrounding spaces"))
        .compose(c -> rejects(c, x -> x.send(frame("join").put("room", "general").put("username", "alice").put("since", -1)),
            "field 'since' must be a whole number from 0 to 9007199254740991"))
        // Still healthy: a good join goes through on the same socket.
        .compose(c -> c.join("general", "alice"))
        .onComplete(ctx.succeeding(welcome -> ctx.verify(() -> {
          assertEquals("alice", welcome.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void badChatFramesAfterJoining(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.joined(vertx, hub.port, "general", "alice")
        .compose(c -> c.skipTo("roster").map(c))
        .compose(c -> rejects(c, x -> x.send(frame("chat")), "missing field 'text'"))
        .compose(c -> rejects(c, x -> x.send(frame("chat").put("text", 7)), "field 'text' must be a string"))
        .compose(c -> rejects(c, x -> x.send(frame("chat").put("text", "   ")), "text must not be empty"))
        .compose(c -> rejects(c, x -> x.send(frame("chat").put("text", "x".repeat(101))), "text must be at most 100 characters"))
        .compose(c -> rejects(c, x -> x.send(frame("chat").put("text", "hi").put("cid", "")), "cid must be a string of 1-64 characters"))
        .compose(c -> {
          c.send(frame("chat").put("text", "x".repeat(100)));
          return c.expect("chat");
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals(1L, chat.getLong("seq"), "rejected frames consumed no seq");
          ctx.completeNow();
        })));
  }

  @Test
  void aFrameOverTheLimitClosesWith1009(Vertx vertx, VertxTestContext ctx) {
    closesWith1009(vertx, ctx, 5_000);
  }

  @Test
  void aFrameFarOverTheLimitClosesWith1009(Vertx vertx, VertxTestContext ctx) {
    closesWith1009(vertx, ctx, 100_000);
  }

  private void closesWith1009(Vertx vertx, VertxTestContext ctx, int size) {
    WsTestClient.connect(vertx, hub.port)
        .compose(c -> {
          c.sendText("{\"type\":\"chat\",\"text\":\"" + "x".repeat(size) + "\"}");
          return c.closed();
        })
        .compose(code -> {
          assertEquals((short) 1009, code);
          // The server is fine: a new client can still join.
          return WsTestClient.joined(vertx, hub.port, "general", "after");
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
