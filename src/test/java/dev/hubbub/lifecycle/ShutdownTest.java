package dev.hubbub.lifecycle;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TempDb;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a real hub process while a client publishes: every acknowledged message is stored, the
 * WebSocket closes with 1001 and a resume point, the event stream gets a last {@code shutdown} event, the
 * TCP bridge client its {@code err} frame, and the process exits within {@code shutdown.deadlineMs}.
 */
class ShutdownTest {

  private static final String ROOM = "shutdown";
  private static final int MESSAGES = 3000;
  private static final int TERM_AFTER_ACKS = 300;
  private static final long DEADLINE_MS = 10_000;
  /** JVM exit after the hook, on a loaded machine. */
  private static final long EXIT_SLACK_MS = 10_000;
  private static final long TIMEOUT_S = 90;
  private static final Pattern RESUME = Pattern.compile("going away: resume after seq (\\d+)");

  private Vertx vertx;
  private final List<HubProcess> processes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (HubProcess p : processes) {
      p.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A publisher that records every ack and how its socket was closed. */
  private static final class Publisher {
    final Map<String, Long> acks = new ConcurrentHashMap<>();
    final Promise<Void> enough = Promise.promise();
    final Promise<Void> closed = Promise.promise();
    volatile Short closeCode;
    volatile String closeReason;
  }

  private Future<Publisher> publish(int port) {
    Publisher pub = new Publisher();
    WebSocketClient client = vertx.createWebSocketClient();
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")).map(ws -> {
      Promise<Void> welcomed = Promise.promise();
      ws.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        switch (frame.getString("type")) {
          case "welcome" -> welcomed.tryComplete();
          case "ack" -> {
            pub.acks.put(frame.getString("cid"), frame.getLong("seq"));
            if (pub.acks.size() >= TERM_AFTER_ACKS) {
              pub.enough.tryComplete();
            }
          }
          default -> {
          }
        }
      });
      ws.closeHandler(v -> {
        pub.closeCode = ws.closeStatusCode();
        pub.closeReason = ws.closeReason();
        pub.closed.tryComplete();
      });
      ws.writeTextMessage(new JsonObject().put("type", "join").put("room", ROOM).put("username", "writer").encode());
      welcomed.future().onSuccess(v -> sendAll(ws));
      return pub;
    });
  }

  private static void sendAll(WebSocket ws) {
    for (int i = 0; i < MESSAGES; i++) {
      ws.writeTextMessage(new JsonObject().put("type", "chat").put("cid", "c" + i).put("text", "msg c" + i).encode());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static JsonObject config(Path dir, int port, int tcpPort) {
    JsonObject defaults = ConfigLoader.defaults();
    return defaults
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 1))
        .put("db", defaults.getJsonObject("db").put("url", TempDb.h2Url(dir)))
        .put("tcp", defaults.getJsonObject("tcp").put("port", tcpPort))
        .put("shutdown", new JsonObject().put("deadlineMs", DEADLINE_MS));
  }

  @Test
  void sigtermDrainsWritesTellsEveryClientWithAResumePointAndExitsInTime() throws Exception {
    Path dir = TempDb.directory();
    int port = TestHub.freePort();
    JsonObject config = config(dir, port, TestHub.freePort());
    HubProcess hub = HubProcess.start(dir, config, TIMEOUT_S);
    processes.add(hub);

    SseTestClient sse = await(SseTestClient.connect(vertx, port, "/rooms/" + ROOM + "/events"));
    await(sse.skipTo("history"));
    BusTestClient bridge = await(BusTestClient.tcp(vertx, config.getJsonObject("tcp").getInteger("port")));
    bridge.register("hubbub.room." + ROOM);
    await(bridge.next()); // the history delivery: the feed is live

    Publisher pub = await(publish(port));
    await(pub.enough.future());
    long termAt = System.nanoTime();
    Integer exit = hub.terminate(DEADLINE_MS + EXIT_SLACK_MS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
    assertNotNull(exit, "the hub was still running " + tookMs + " ms after SIGTERM:\n" + hub.output());
    assertTrue(tookMs < DEADLINE_MS + EXIT_SLACK_MS, "exited after " + tookMs + " ms");

    await(pub.closed.future());
    String log = hub.finalOutput(TIMEOUT_S);
    assertEquals((short) 1001, pub.closeCode, "close code; reason " + pub.closeReason);
    Matcher wsResume = RESUME.matcher(String.valueOf(pub.closeReason));
    assertTrue(wsResume.matches(), "close reason: " + pub.closeReason);

    await(sse.ended());
    List<SseTestClient.Event> records = sse.drain();
    assertEquals("shutdown", records.get(records.size() - 1).event(), "the last record");
    JsonObject last = records.get(records.size() - 1).json();
    assertEquals(ROOM, last.getString("room"));
    assertTrue(last.getString("message").startsWith("going away: resume after seq " + last.getLong("resumeAfter")), last.encode());

    await(bridge.closed());
    JsonObject err = bridge.drain().stream().filter(f -> "err".equals(f.getString("type"))).findFirst().orElseThrow();
    assertEquals("hubbub.room." + ROOM, err.getString("address"), err.encode());
    assertEquals(503, err.getInteger("failureCode"));
    assertTrue(RESUME.matcher(err.getString("message")).matches(), err.encode());

    assertTrue(log.contains("Hubbub stopped in"), log);
    assertFalse(log.contains("No handlers"), log);
    Map<String, Long> acked = Map.copyOf(pub.acks);

    // Nothing acknowledged is lost: after a restart every acked cid is stored at the seq its ack named.
    HubProcess again = HubProcess.start(dir, config, TIMEOUT_S);
    processes.add(again);
    List<JsonObject> stored = allMessages(WebClient.create(vertx), port);
    for (int i = 0; i < stored.size(); i++) {
      assertEquals(i + 1L, stored.get(i).getLong("seq"), "seq gap at position " + i);
    }
    acked.forEach((cid, seq) -> assertEquals("msg " + cid, stored.get(seq.intValue() - 1).getString("text"), "acked " + cid));
    long resumeAfter = Long.parseLong(wsResume.group(1));
    assertTrue(resumeAfter > 0 && resumeAfter <= stored.size(), "resume point " + resumeAfter + " of " + stored.size());
  }

  /** The known hang: a failed start called System.exit on an event loop while the hook waited for that loop. */
  @Test
  void sigtermDuringStartUpExitsWithinTheDeadline() throws Exception {
    Path dir = TempDb.directory();
    HubProcess hub = HubProcess.launch(dir, config(dir, TestHub.freePort(), TestHub.freePort()));
    processes.add(hub);
    // Printed by the hub while it deploys its verticles, long before it listens.
    java.util.concurrent.CompletableFuture<Void> starting = hub.line("guests are admitted");
    starting.get(TIMEOUT_S, TimeUnit.SECONDS);
    Integer exit = hub.terminate(DEADLINE_MS + EXIT_SLACK_MS);
    assertNotNull(exit, "the hub hangs after a SIGTERM during start-up:\n" + hub.output());
  }

  private List<JsonObject> allMessages(WebClient http, int port) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    boolean more = true;
    while (more) {
      JsonObject page = await(http.get(port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages?limit=200&after=" + after).send())
          .bodyAsJsonObject();
      JsonArray messages = page.getJsonArray("messages");
      messages.forEach(m -> all.add((JsonObject) m));
      more = page.getBoolean("more");
      if (!messages.isEmpty()) {
        after = messages.getJsonObject(messages.size() - 1).getLong("seq");
      }
    }
    return all;
  }
}
