package dev.hubbub.lifecycle;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.TempDb;
import dev.hubbub.support.Readiness;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database that fails under a running hub: writes answer 503 "message not stored, try again" and nothing
 * is acknowledged that is not stored; readiness turns false; an outage heals by itself. A second hub on the
 * same embedded database refuses to start in one line.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseFailureTest {

  private static final long WAIT_SECONDS = 60;
  private static final String NOT_STORED = "message not stored, try again";
  private static final String ROOM = "dbfail";

  @Test
  void aDeletedDatabaseFileIsNoticedAndNothingIsAcknowledgedAfterIt(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", TempDb.h2Url(dir)))));
    WsTestClient ws = await(WsTestClient.live(vertx, hub.port, ROOM, "writer"));
    assertEquals(1L, await(ws.chatAnswered("before")).getLong("seq"));

    Files.delete(dir.resolve("hubbub.mv.db"));
    // The first write after the deletion still commits through H2's open file handle: it must not be acked.
    for (int i = 0; i < 3; i++) {
      JsonObject answer = await(ws.chatAnswered("after " + i));
      assertEquals("error", answer.getString("type"), answer.encode());
      assertEquals(NOT_STORED, answer.getString("message"));
    }
    WebClient web = WebClient.create(vertx);
    HttpResponse<Buffer> rest = await(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages")
        .sendJsonObject(new JsonObject().put("username", "rest").put("text", "after")));
    assertEquals(503, rest.statusCode(), rest.bodyAsString());
    assertEquals(NOT_STORED, rest.bodyAsJsonObject().getString("error"));
    assertEquals(503, Readiness.await(web, hub.port, 503, WAIT_SECONDS).statusCode());
  }

  @Test
  void aDatabaseOutageAnswers503ThenTheHubRecoversByItself(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    String url = TempDb.h2Url(dir);
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", url))));
    WsTestClient ws = await(WsTestClient.live(vertx, hub.port, ROOM, "writer"));
    assertEquals(1L, await(ws.chatAnswered("before")).getLong("seq"));
    // Concurrent reads make the store's pool open all its connections, so the outage kills every one.
    WebClient web = WebClient.create(vertx);
    List<Future<?>> reads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      reads.add(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").send());
    }
    await(Future.all(reads));

    // The embedded database is shared by every connection in this JVM: closing it cuts the hub's pools.
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
      sql.execute("SHUTDOWN");
    }
    JsonObject failed = await(ws.chatAnswered("during"));
    assertEquals("error", failed.getString("type"), "a write to a closed database: " + failed.encode());
    assertEquals(NOT_STORED, failed.getString("message"));

    // The file is still there: the hub reconnects by itself, and a retry is stored with the next seq.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonObject answer;
    int attempt = 0;
    do {
      assertTrue(System.nanoTime() < deadline, "the hub never took a write again");
      answer = await(ws.chatAnswered("retry " + attempt++));
    } while (!"ack".equals(answer.getString("type")));
    assertEquals(2L, answer.getLong("seq"), "no seq lost or reused across the outage");
    // Reads are served by every sequencer shard in turn: each reconnected, not only the one that wrote.
    for (int i = 0; i < 8; i++) {
      assertEquals(200, await(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").send()).statusCode(),
          "read " + i + " after the outage");
    }
    assertEquals(200, Readiness.await(web, hub.port, 200, WAIT_SECONDS).statusCode());
  }

  @Test
  void aSecondHubOnTheSameEmbeddedDatabaseSaysSoInOneLineAndExits(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    try (HubProcess first = HubProcess.start(dir, config(dir), WAIT_SECONDS)) {
      Path secondDir = Files.createDirectories(dir.resolve("second"));
      try (HubProcess second = HubProcess.launch(secondDir, config(dir))) {
        Integer exit = second.waitFor(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertNotNull(exit, "the second hub is still running:\n" + second.output());
        assertNotEquals(0, exit);
        String output = second.finalOutput(WAIT_SECONDS);
        // The data-directory lock says so before H2's own file lock would (StartFailures covers that case).
        assertTrue(output.contains("the data directory " + dir + " is in use by another hub"), output);
        assertEquals(1, output.lines().filter(l -> l.contains("in use by another")).count(), output);
        assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
        assertFalse(output.contains("Hubbub listening") || output.contains("Hubbub stopped"), output);
        assertTrue(first.isAlive(), "the first hub keeps running");
      }
    }
  }

  /** A hub on {@code dir}'s H2 database, on free ports. */
  private static JsonObject config(Path dir) {
    JsonObject defaults = ConfigLoader.defaults();
    return defaults
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", TestHub.freePort()).put("instances", 1))
        .put("db", defaults.getJsonObject("db").put("url", TempDb.h2Url(dir)))
        .put("tcp", defaults.getJsonObject("tcp").put("port", TestHub.freePort()));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
