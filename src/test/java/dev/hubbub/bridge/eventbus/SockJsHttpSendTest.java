package dev.hubbub.bridge.eventbus;

import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SockJS's HTTP send endpoints spoken by hand, so they are covered without a browser: what a polling
 * client posts reaches the bridge, and a body over the cap is refused with 413 rather than read.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SockJsHttpSendTest {

  private static final long WAIT_SECONDS = 30;
  private static final int MAX_FRAME = 1000;

  private TestHub hub;
  private WebClient http;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(vertx, new JsonObject().put("limits", new JsonObject().put("maxFrameBytes", MAX_FRAME)))
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
    // One connection per request, like a polling client whose previous poll may still be open.
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
  }

  @Test
  void xhrSendReachesTheBridgeAndTheAckComesBackByPolling() throws Exception {
    assertEquals("o\n", post("/eventbus/000/polling1/xhr", "text/plain", Buffer.buffer()).bodyAsString());
    JsonObject chat = new JsonObject().put("type", "send").put("address", "hubbub.cmd.chat").put("replyAddress", "ack-1")
        .put("body", new JsonObject().put("room", "polled").put("username", "poller").put("text", "hello"));
    HttpResponse<Buffer> sent = post("/eventbus/000/polling1/xhr_send", "text/plain",
        Buffer.buffer(new JsonArray().add(chat.encode()).encode()));
    assertEquals(204, sent.statusCode(), sent.bodyAsString());
    assertEquals(1L, awaitReply("/eventbus/000/polling1/xhr", "ack-1").getJsonObject("body").getLong("seq"));
  }

  @Test
  void jsonpSendAcceptsAFormBody() throws Exception {
    assertEquals("/**/cb(\"o\");", get("/eventbus/000/jsonp1/jsonp?c=cb").bodyAsString().strip());
    JsonObject chat = new JsonObject().put("type", "send").put("address", "hubbub.cmd.chat").put("replyAddress", "ack-j")
        .put("body", new JsonObject().put("room", "polled").put("username", "jsonp").put("text", "hi"));
    String form = "d=" + java.net.URLEncoder.encode(new JsonArray().add(chat.encode()).encode(), java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<Buffer> sent = post("/eventbus/000/jsonp1/jsonp_send", "application/x-www-form-urlencoded", Buffer.buffer(form));
    assertEquals(200, sent.statusCode(), sent.bodyAsString());
    assertEquals("ok", sent.bodyAsString());
  }

  @Test
  void aSendBodyOverTheCapIs413() throws Exception {
    assertEquals("o\n", post("/eventbus/000/big1/xhr", "text/plain", Buffer.buffer()).bodyAsString());
    String huge = "[\"" + "x".repeat(4 * MAX_FRAME) + "\"]";
    assertEquals(413, post("/eventbus/000/big1/xhr_send", "text/plain", Buffer.buffer(huge)).statusCode());
  }

  /** Polls the session until a frame addressed to {@code address} arrives. */
  private JsonObject awaitReply(String pollPath, String address) throws Exception {
    for (int polls = 0; polls < 20; polls++) {
      String body = post(pollPath, "text/plain", Buffer.buffer()).bodyAsString();
      if (body.startsWith("a")) {
        for (Object frame : new JsonArray(body.substring(1).strip())) {
          JsonObject json = new JsonObject((String) frame);
          if (address.equals(json.getString("address"))) {
            return json;
          }
        }
      }
    }
    throw new AssertionError("no frame for " + address);
  }

  private HttpResponse<Buffer> post(String path, String contentType, Buffer body) throws Exception {
    return await(http.post(hub.port, "127.0.0.1", path).putHeader("Content-Type", contentType).sendBuffer(body));
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return await(http.get(hub.port, "127.0.0.1", path).send());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
