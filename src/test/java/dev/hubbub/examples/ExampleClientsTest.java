package dev.hubbub.examples;

import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python (TCP bridge) and Node (SockJS bridge) examples, run as real processes against a live hub,
 * chat with a WebSocket client and an htmx page's event stream in one room: every message reaches every
 * client, in the same seq order.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExampleClientsTest {

  private static final File EXAMPLES = new File("examples");
  private static final long WAIT_SECONDS = 60;

  @Test
  void pythonNodeAndWebSocketClientsShareOneRoom(Vertx vertx) throws Exception {
    boolean nodeReady = new File(EXAMPLES, "node/node_modules/@vertx/eventbus-bridge-client.js").exists();
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(nodeReady, "run 'npm ci --prefix examples/node' first (.ci/run does)");
    }
    TestHub hub = await(TestHub.start(vertx));
    String sockJsUrl = "http://127.0.0.1:" + hub.port + "/eventbus";
    String tcpPort = String.valueOf(hub.tcpPort());
    WsTestClient browser = await(WsTestClient.live(vertx, hub.port, "poly", "browser"));
    // The htmx page's stream (HTML fragments), from the start of the room.
    SseTestClient htmx = await(SseTestClient.connect(vertx, hub.port, "/rooms/poly/events?lastEventId=0"));

    // Both feeds replay from seq 0, so they see every message whether it arrives before or after they register.
    Process pythonFeed = start("python3", "python/feed.py", "--port", tcpPort, "--room", "poly", "--since", "0", "--count", "3");
    Process nodeFeed = start("node", "node/feed.js", "--url", sockJsUrl, "--room", "poly", "--since", "0", "--count", "3");

    JsonObject pythonAck = new JsonObject(lastLine(run("python3", "python/post.py", "--port", tcpPort, "--room", "poly",
        "--username", "py", "--text", "from python")));
    assertEquals(1L, pythonAck.getLong("seq"));
    JsonObject nodeAck = new JsonObject(lastLine(run("node", "node/post.js", "--url", sockJsUrl, "--room", "poly",
        "--username", "nd", "--text", "from node")));
    assertEquals(2L, nodeAck.getLong("seq"));
    browser.chat("from the browser");

    List<String> seenByBrowser = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject chat = await(browser.skipTo("chat"));
      seenByBrowser.add(chat.getLong("seq") + " " + chat.getString("username") + ": " + chat.getString("text"));
    }
    List<String> expected = List.of("1 py: from python", "2 nd: from node", "3 browser: from the browser");
    assertEquals(expected, seenByBrowser);
    for (String line : expected) {
      SseTestClient.Event fragment = await(htmx.skipTo("chat"));
      assertEquals(line.substring(0, 1), fragment.id());
      assertTrue(fragment.data().contains(line.substring(line.indexOf(": ") + 2)), fragment.data());
    }
    assertEquals(expected, chats(finish(pythonFeed)));
    assertEquals(expected, chats(finish(nodeFeed)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static Process start(String... command) throws IOException {
    return new ProcessBuilder(command).directory(EXAMPLES).redirectErrorStream(true).start();
  }

  /** Waits for the process and returns its output; a non-zero exit fails the test with that output. */
  private static String finish(Process process) throws Exception {
    assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "example did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  private static String run(String... command) throws Exception {
    return finish(start(command));
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** The chat events printed by a feed example, as "seq username: text". */
  private static List<String> chats(String output) {
    List<String> chats = new ArrayList<>();
    for (String line : output.strip().split("\n")) {
      JsonObject event = new JsonObject(line);
      if ("chat".equals(event.getString("type"))) {
        chats.add(event.getLong("seq") + " " + event.getString("username") + ": " + event.getString("text"));
      }
    }
    return chats;
  }
}
