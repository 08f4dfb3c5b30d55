package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6455 8.1: a text message that is not valid UTF-8 fails the connection with 1007; nothing is stored. */
@ExtendWith(VertxExtension.class)
class WebSocketUtf8Test {

  private TestHub hub;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  /**
   * A chat message whose text is {@code textBytes} as they are: a text frame with the JSON up to the text,
   * then a continuation frame with the raw bytes and the rest (the client API only writes valid text).
   */
  private static void sendRawChat(WsTestClient client, byte[] textBytes) {
    client.socket().writeFrame(WebSocketFrame.textFrame("{\"type\":\"chat\",\"text\":\"", false));
    client.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(textBytes).appendString("\"}"), true));
  }

  @SuppressWarnings("unchecked")
  @Test
  void invalidUtf8InATextMessageClosesWith1007AndStoresNothing(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] clients = new WsTestClient[2];
    Future<JsonObject>[] firstChat = new Future[1];
    WsTestClient.live(vertx, hub.port, "utf8", "watcher")
        .compose(watcher -> {
          clients[0] = watcher;
          return WsTestClient.live(vertx, hub.port, "utf8", "sender");
        })
        .compose(sender -> {
          clients[1] = sender;
          // "bad \xC3\x28": a two-byte lead followed by a byte that cannot continue it.
          sendRawChat(sender, new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, 0x28});
          Promise<Short> outcome = Promise.promise();
          sender.closed().onSuccess(outcome::tryComplete);
          firstChat[0] = clients[0].skipTo("chat");
          firstChat[0].onSuccess(chat -> outcome.tryFail(new AssertionError("published: " + chat.encode())));
          return outcome.future();
        })
        .compose(code -> {
          assertEquals((short) 1007, code);
          return WebClient.create(vertx).get(hub.port, "127.0.0.1", "/api/rooms/utf8/messages").send();
        })
        .compose(messages -> {
          assertEquals(0, messages.bodyAsJsonObject().getJsonArray("messages").size(), "nothing stored: " + messages.bodyAsString());
          // Nothing was published or sequenced either: the watcher's own message is the room's first.
          clients[0].chat("after");
          return firstChat[0];
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("after", chat.getString("text"));
          assertEquals(1L, chat.getLong("seq"));
          ctx.completeNow();
        })));
  }

  @Test
  void aCharacterSplitAcrossFramesIsReassembled(Vertx vertx, VertxTestContext ctx) {
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    WsTestClient.live(vertx, hub.port, "utf8-split", "sender")
        .compose(sender -> {
          Buffer first = Buffer.buffer().appendByte(e[0]);
          Buffer rest = Buffer.buffer().appendByte(e[1]).appendString("\"}");
          sender.socket().writeFrame(WebSocketFrame.textFrame("{\"type\":\"chat\",\"text\":\"caf", false));
          sender.socket().writeFrame(WebSocketFrame.continuationFrame(first, false));
          sender.socket().writeFrame(WebSocketFrame.continuationFrame(rest, true));
          return sender.skipTo("chat");
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("café", chat.getString("text"));
          ctx.completeNow();
        })));
  }

  @Test
  void validTextStillFlowsAndBinaryIsStillRefused(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.live(vertx, hub.port, "utf8-ok", "sender")
        .compose(sender -> {
          sender.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
          return sender.skipTo("error").compose(error -> {
            assertEquals("binary frames are not supported: send JSON text frames", error.getString("message"));
            sendRawChat(sender, "grüße 👋".getBytes(StandardCharsets.UTF_8));
            return sender.skipTo("chat");
          });
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("grüße 👋", chat.getString("text"));
          ctx.completeNow();
        })));
  }
}
