package dev.hubbub.examples;

import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feed examples treat a jump in a room's seq as a gap and fill it from history before printing
 * anything later. A fake bridge (the real hub no longer loses events) delivers seq 1, 2, then 5 and 6:
 * the example must re-register with {@code since: 2} in the epoch it was given, and print 1..7 once each.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExampleGapFillingTest {

  private static final File EXAMPLES = new File("examples");
  private static final String FEED = "hubbub.room.gap";
  private static final String EPOCH = "epoch-1";

  /** One fake bridge connection: answers registrations like the hub would, with a gap in the first. */
  private static final class FakeConnection {
    private final Consumer<JsonObject> out;
    private final String deliveryType;
    private int registrations;
    final List<String> seen = new ArrayList<>();

    FakeConnection(Consumer<JsonObject> out, String deliveryType) {
      this.out = out;
      this.deliveryType = deliveryType;
    }

    void onFrame(JsonObject frame) {
      String type = frame.getString("type");
      JsonObject headers = frame.getJsonObject("headers", new JsonObject());
      if ("ping".equals(type)) {
        return; // the JS client's keep-alive
      }
      seen.add(type + " since=" + headers.getValue("since") + " epoch=" + headers.getValue("epoch"));
      if (!"register".equals(type)) {
        return;
      }
      if (++registrations == 1) {
        deliver(history(0));
        for (long seq : new long[] {1, 2, 5, 6}) {
          deliver(chat(seq));
        }
      } else if ("2".equals(String.valueOf(headers.getValue("since"))) && EPOCH.equals(headers.getValue("epoch"))) {
        deliver(history(4));
        for (long seq = 3; seq <= 7; seq++) {
          deliver(chat(seq));
        }
      } else {
        out.accept(new JsonObject().put("type", "err").put("failureCode", 400).put("address", FEED)
            .put("message", "expected a re-registration with since 2 in " + EPOCH + ", got " + headers.encode()));
      }
    }

    private void deliver(JsonObject body) {
      JsonObject frame = new JsonObject().put("type", deliveryType).put("address", FEED).put("body", body);
      if (deliveryType.equals("message")) {
        frame.put("send", false);
      }
      out.accept(frame);
    }

    private static JsonObject history(int count) {
      return new JsonObject().put("type", "history").put("room", "gap").put("epoch", EPOCH).put("truncated", false).put("count", count);
    }

    private static JsonObject chat(long seq) {
      return new JsonObject().put("type", "chat").put("room", "gap").put("username", "x").put("text", "m" + seq)
          .put("ts", 0).put("seq", seq).put("id", "id" + seq);
    }
  }

  @Test
  void pythonFillsAGapFromHistory(Vertx vertx) throws Exception {
    List<FakeConnection> connections = new ArrayList<>();
    int port = vertx.createNetServer().connectHandler(socket -> {
      FakeConnection fake = new FakeConnection(frame -> writeTcp(socket, frame), "message");
      connections.add(fake);
      RecordParser parser = RecordParser.newFixed(4);
      boolean[] readingLength = {true};
      parser.handler(chunk -> {
        if (readingLength[0]) {
          parser.fixedSizeMode(chunk.getInt(0));
        } else {
          parser.fixedSizeMode(4);
          fake.onFrame(new JsonObject(chunk));
        }
        readingLength[0] = !readingLength[0];
      });
      socket.handler(parser);
    }).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS).actualPort();
    String output = run("python3", "python/feed.py", "--port", String.valueOf(port), "--room", "gap", "--count", "7");
    assertFilled(output, connections);
  }

  @Test
  void nodeFillsAGapFromHistory(Vertx vertx) throws Exception {
    boolean nodeReady = new File(EXAMPLES, "node/node_modules/@vertx/eventbus-bridge-client.js").exists();
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(nodeReady, "run 'npm ci --prefix examples/node' first (.ci/run does)");
    }
    List<FakeConnection> connections = new ArrayList<>();
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).socketHandler(socket -> {
      FakeConnection fake = new FakeConnection(frame -> socket.write(Buffer.buffer(frame.encode())), "rec");
      connections.add(fake);
      socket.handler(data -> fake.onFrame(new JsonObject(data)));
    }));
    int port = TestHub.freePort();
    vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").await(30, TimeUnit.SECONDS);
    String output = run("node", "node/feed.js", "--url", "http://127.0.0.1:" + port + "/eventbus", "--room", "gap", "--count", "7");
    assertFilled(output, connections);
  }

  private static void assertFilled(String output, List<FakeConnection> connections) {
    List<Long> seqs = new ArrayList<>();
    boolean gapReported = false;
    for (String line : output.strip().split("\n")) {
      JsonObject printed = new JsonObject(line);
      if ("chat".equals(printed.getString("type"))) {
        seqs.add(printed.getLong("seq"));
      }
      gapReported |= printed.containsKey("gap");
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs, "every seq once, in order, the gap filled: " + output);
    assertTrue(gapReported, "the gap is reported: " + output);
    assertEquals(1, connections.size());
    assertEquals(List.of("register since=null epoch=null", "unregister since=null epoch=null", "register since=2 epoch=" + EPOCH),
        connections.get(0).seen.stream().map(s -> s.replace("since=\"2\"", "since=2")).toList());
  }

  private static void writeTcp(NetSocket socket, JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    socket.write(Buffer.buffer().appendInt(json.length).appendBytes(json));
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(EXAMPLES).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "example did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
