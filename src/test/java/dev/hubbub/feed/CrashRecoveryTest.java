package dev.hubbub.feed;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.HubProcess;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real hub process with SIGKILL while a client publishes with cids, restarts it on the same H2
 * files, and checks that every acknowledged message is there exactly once and that seqs have no gap.
 * Then the client resends everything, as a reconnecting client would: acknowledged cids get their old
 * ack back, the rest are stored once.
 */
class CrashRecoveryTest {

  private static final String ROOM = "crash";
  private static final int MESSAGES = 2000;
  /** Acks to wait for before the kill: enough that batches are in flight when it lands. */
  private static final int KILL_AFTER_ACKS = 300;
  private static final long TIMEOUT_S = 90;

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

  /** A publisher that records the ack of every cid it sends. */
  private static final class Publisher {
    final Map<String, JsonObject> acks = new ConcurrentHashMap<>();
    final Promise<Void> enough = Promise.promise();
    final Promise<Void> all = Promise.promise();
    final Promise<Void> closed = Promise.promise();
    WebSocketClient client;
    WebSocket ws;
  }

  private Future<Publisher> publish(int port, int killAfter) {
    Publisher pub = new Publisher();
    pub.client = vertx.createWebSocketClient();
    return pub.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")).map(ws -> {
      pub.ws = ws;
      Promise<Void> welcomed = Promise.promise();
      ws.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        switch (frame.getString("type")) {
          case "welcome" -> welcomed.tryComplete();
          case "ack" -> {
            pub.acks.put(frame.getString("cid"), new JsonObject().put("id", frame.getString("id")).put("seq", frame.getLong("seq")));
            if (pub.acks.size() >= killAfter) {
              pub.enough.tryComplete();
            }
            if (pub.acks.size() == MESSAGES) {
              pub.all.tryComplete();
            }
          }
          case "error" -> pub.all.tryFail(new AssertionError("error frame: " + text));
          default -> {
          }
        }
      });
      ws.closeHandler(v -> pub.closed.tryComplete());
      ws.writeTextMessage(new JsonObject().put("type", "join").put("room", ROOM).put("username", "writer").encode());
      welcomed.future().onSuccess(v -> {
        for (int i = 0; i < MESSAGES; i++) {
          ws.writeTextMessage(new JsonObject().put("type", "chat").put("cid", "c" + i).put("text", "msg c" + i).encode());
        }
      });
      return pub;
    });
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Every chat message of the room, paging forwards over REST. */
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

  /** Seqs 1..n, no gap, no duplicate; each text (so each cid) once. */
  private static void assertGapFreeAndUnique(List<JsonObject> messages) {
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      assertEquals(i + 1L, messages.get(i).getLong("seq"), "seq gap or duplicate at position " + i);
      assertTrue(texts.add(messages.get(i).getString("text")), "stored twice: " + messages.get(i).getString("text"));
    }
  }

  @Test
  void everyAcknowledgedMessageSurvivesSigkillExactlyOnceWithNoSeqGap() throws Exception {
    Path dir = TempDb.directory();
    int port = TestHub.freePort();
    JsonObject config = ConfigLoader.defaults()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 1))
        .put("db", ConfigLoader.defaults().getJsonObject("db").put("url", TempDb.h2Url(dir)))
        // A free port for the TCP bridge too: the default may be taken by another hub on this machine.
        .put("tcp", ConfigLoader.defaults().getJsonObject("tcp").put("port", TestHub.freePort()));

    HubProcess first = HubProcess.start(dir, config, TIMEOUT_S);
    processes.add(first);
    Publisher before = await(publish(port, KILL_AFTER_ACKS));
    await(before.enough.future());
    first.kill();
    await(before.closed.future());
    Map<String, JsonObject> acked = Map.copyOf(before.acks);
    assertTrue(acked.size() < MESSAGES, "the kill should land mid-stream, but all " + MESSAGES + " were acknowledged");

    HubProcess second = HubProcess.start(dir, config, TIMEOUT_S);
    processes.add(second);
    WebClient http = WebClient.create(vertx);
    List<JsonObject> stored = allMessages(http, port);
    assertGapFreeAndUnique(stored);
    assertTrue(stored.size() >= acked.size(), stored.size() + " stored, " + acked.size() + " acknowledged");
    acked.forEach((cid, ack) -> {
      JsonObject message = stored.get(ack.getLong("seq").intValue() - 1);
      assertEquals(ack.getString("id"), message.getString("id"), "acknowledged " + cid + " is not where its ack said");
      assertEquals("msg " + cid, message.getString("text"));
    });

    // The client resends everything after reconnecting: nothing acknowledged is stored again.
    Publisher after = await(publish(port, MESSAGES));
    await(after.all.future());
    acked.forEach((cid, ack) -> assertEquals(ack, after.acks.get(cid), "a retried " + cid + " got a different ack"));
    List<JsonObject> finalMessages = allMessages(http, port);
    assertEquals(MESSAGES, finalMessages.size());
    assertGapFreeAndUnique(finalMessages);
  }
}
