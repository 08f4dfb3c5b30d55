package dev.hubbub.lifecycle;

import dev.hubbub.support.Commands;
import dev.hubbub.support.Readiness;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stopped under a running hub, then started again (the server of {@code .ci/postgres.sh}, stopped
 * with its {@code down} and started with no argument): while it is down every write answers 503 "message not
 * stored, try again" and none is acknowledged, readiness is false; once it is back the hub takes writes again
 * by itself with the next seq, readiness is true, and every acknowledged message is in the database.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PostgresOutageTest {

  private static final long WAIT_SECONDS = 90;
  private static final String NOT_STORED = "message not stored, try again";
  private static final String ROOM = "pgdown";

  @Test
  void postgresGoingDownIsNoticedAndTheHubRecoversWhenItComesBack(Vertx vertx) throws Exception {
    String clusterUrl = System.getenv("HUBBUB_TEST_PG_URL");
    if (clusterUrl == null || !clusterUrl.startsWith("jdbc:postgresql:") || System.getenv("HUBBUB_TEST_PG_DATA") == null) {
      String needs = "PostgresOutageTest skipped: it needs the PostgreSQL cluster of .ci/postgres.sh, which it stops and starts"
          + " (eval \"$(.ci/postgres.sh)\" sets HUBBUB_TEST_PG_URL and HUBBUB_TEST_PG_DATA)";
      System.out.println(needs);
      Assumptions.abort(needs);
    }
    String user = System.getenv().getOrDefault("HUBBUB_TEST_PG_USER", "hubbub");
    // A database of its own, so the outage leaves no trace in the store contract's.
    String db = "outage_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(clusterUrl, user, ""); Statement sql = c.createStatement()) {
      sql.execute("CREATE DATABASE " + db);
    }
    String url = clusterUrl.substring(0, clusterUrl.lastIndexOf('/') + 1) + db;
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", url).put("user", user).put("password", ""))));
    WebClient web = WebClient.create(vertx);
    WsTestClient ws = await(WsTestClient.live(vertx, hub.port, ROOM, "writer"));
    assertEquals(1L, await(ws.chatAnswered("before")).getLong("seq"));
    assertEquals(200, Readiness.await(web, hub.port, 200, WAIT_SECONDS).statusCode());

    List<String> acked = new ArrayList<>(List.of("before"));
    try {
      postgres(clusterUrl, "down");
      for (int i = 0; i < 3; i++) {
        JsonObject answer = await(ws.chatAnswered("during " + i));
        assertEquals("error", answer.getString("type"), "acknowledged while PostgreSQL is down: " + answer.encode());
        assertEquals(NOT_STORED, answer.getString("message"));
      }
      HttpResponse<Buffer> rest = await(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages")
          .sendJsonObject(new JsonObject().put("username", "rest").put("text", "during")));
      assertEquals(503, rest.statusCode(), rest.bodyAsString());
      assertEquals(NOT_STORED, rest.bodyAsJsonObject().getString("error"));
      JsonObject notReady = Readiness.await(web, hub.port, 503, WAIT_SECONDS).bodyAsJsonObject();
      assertEquals(false, notReady.getBoolean("ready"), notReady.encode());
    } finally {
      postgres(clusterUrl, "up");
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonObject answer;
    int attempt = 0;
    do {
      assertTrue(System.nanoTime() < deadline, "the hub never took a write again after PostgreSQL came back");
      answer = await(ws.chatAnswered("retry " + attempt++));
    } while (!"ack".equals(answer.getString("type")));
    assertEquals(2L, answer.getLong("seq"), "no seq lost or reused across the outage");
    acked.add("retry " + (attempt - 1));
    assertEquals(200, Readiness.await(web, hub.port, 200, WAIT_SECONDS).statusCode());

    // What was acknowledged is stored, and nothing else.
    JsonArray messages = await(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").send()).bodyAsJsonObject()
        .getJsonArray("messages");
    List<String> stored = new ArrayList<>();
    messages.forEach(m -> stored.add(((JsonObject) m).getString("text")));
    assertEquals(acked, stored);
  }

  /** Runs {@code .ci/postgres.sh down} or (for "up") {@code .ci/postgres.sh} on the test cluster. */
  private static void postgres(String clusterUrl, String what) throws Exception {
    int port = URI.create(clusterUrl.substring("jdbc:".length())).getPort();
    List<String> command = new ArrayList<>(List.of("bash", ".ci/postgres.sh"));
    if (what.equals("down")) {
      command.add("down");
    }
    Commands.require(Map.of("HUBBUB_PG_PORT", String.valueOf(port), "HUBBUB_PG_DATA", System.getenv("HUBBUB_TEST_PG_DATA")),
        WAIT_SECONDS, command);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
