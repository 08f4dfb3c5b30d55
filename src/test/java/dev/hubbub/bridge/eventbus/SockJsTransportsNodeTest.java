package dev.hubbub.bridge.eventbus;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real sockjs-client in Node (examples/node's copy, as the Node examples use it), forced onto each
 * transport it has outside a browser, sends a chat and reads one from a WebSocket client
 * ({@code src/test/node/sockjs-transport.js}). The browser-only transports are in {@link SockJsTransportsBrowserTest}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SockJsTransportsNodeTest {

  private static final File NODE_MODULES = new File("examples/node/node_modules");
  private static final long WAIT_SECONDS = 60;

  private static TestHub hub;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(new File(NODE_MODULES, "sockjs-client").exists(), "run 'npm ci --prefix examples/node' first (.ci/run does)");
    }
    hub = TestHub.start(vertx).await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  // xhr-polling is left to SockJsTransportsBrowserTest: in Node, sockjs-client's poll sometimes ends
  // "1006 permanent" right after the first exchange, a race not yet explained (see the README's known limits).
  @ValueSource(strings = {"websocket", "xhr-streaming", "eventsource"})
  void sockJsClientInNodeReadsAndSendsOnEveryTransport(String transport, Vertx vertx) throws Exception {
    String room = "node-" + transport;
    WsTestClient ws = WsTestClient.live(vertx, hub.port, room, "ws-user").await(WAIT_SECONDS, TimeUnit.SECONDS);
    ProcessBuilder command = new ProcessBuilder("node", "src/test/node/sockjs-transport.js", "http://127.0.0.1:" + hub.port + "/eventbus",
        transport, room, "sent over " + transport, "read over " + transport).redirectErrorStream(true);
    command.environment().put("NODE_PATH", NODE_MODULES.getAbsolutePath());
    Process node = command.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals(transport, line(out).getString("open"));
      assertEquals(1L, line(out).getLong("ack"));
      JsonObject chat = ws.skipTo("chat").await(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals("node-user", chat.getString("username"));
      assertEquals("sent over " + transport, chat.getString("text"));

      ws.chat("read over " + transport);
      JsonObject received = line(out).getJsonObject("received");
      assertNotNull(received);
      assertEquals("ws-user", received.getString("username"));
      assertEquals(2L, received.getLong("seq"));
      assertTrue(node.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the client did not exit");
      assertEquals(0, node.exitValue());
    } finally {
      node.destroy();
      ws.close();
    }
  }

  /** The script's next output line, which must be JSON (a failure line fails the test with its reason). */
  private static JsonObject line(BufferedReader out) throws Exception {
    String line = out.readLine();
    assertNotNull(line, "the client exited early");
    JsonObject json = new JsonObject(line);
    assertTrue(!json.containsKey("failed"), line);
    return json;
  }
}
