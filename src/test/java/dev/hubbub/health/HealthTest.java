package dev.hubbub.health;

import dev.hubbub.support.TempDb;
import dev.hubbub.support.Readiness;
import dev.hubbub.support.TestHub;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Liveness and readiness: ready only while the database is there and takes writes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthTest {

  private static final long WAIT_SECONDS = 30;

  @Test
  void aFreshHubIsLiveAndReadyAndHealthStillAnswers(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx));
    WebClient web = WebClient.create(vertx);
    assertEquals(new JsonObject().put("status", "up"), get(web, hub.port, "/health/live").bodyAsJsonObject());
    HttpResponse<Buffer> ready = get(web, hub.port, "/health/ready");
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    assertTrue(ready.bodyAsJsonObject().getBoolean("ready"));
    assertEquals("done", ready.bodyAsJsonObject().getJsonObject("checks").getString("migrations"));
    assertEquals(200, get(web, hub.port, "/health").statusCode());
  }

  @Test
  void theMemoryStoreIsReady(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", "memory"))));
    assertEquals(200, get(WebClient.create(vertx), hub.port, "/health/ready").statusCode());
  }

  @Test
  void aDeletedDatabaseFileMakesTheHubNotReady(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", TempDb.h2Url(dir)))));
    WebClient web = WebClient.create(vertx);
    assertEquals(200, get(web, hub.port, "/health/ready").statusCode());

    Files.delete(dir.resolve("hubbub.mv.db"));
    JsonObject answer = awaitNotReady(web, hub.port);
    assertTrue(answer.getJsonObject("checks").getString("database").contains("missing"), answer.encode());
    assertEquals(200, get(web, hub.port, "/health/live").statusCode(), "still alive: only readiness fails");
  }

  @Test
  void aDatabaseThatIsShutDownMakesTheHubNotReady(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    String url = TempDb.h2Url(dir);
    TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", url))));
    WebClient web = WebClient.create(vertx);
    assertEquals(200, get(web, hub.port, "/health/ready").statusCode());

    // The embedded database is shared by every connection in this JVM: closing it cuts the hub's pools too.
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
      sql.execute("SHUTDOWN");
    }
    JsonObject answer = awaitNotReady(web, hub.port);
    assertFalse(answer.getBoolean("ready"));
    // The file is still there, so the next connection opens the database again: readiness comes back.
    awaitStatus(web, hub.port, 200);
  }

  @Test
  void theH2FileIsFoundInEveryUrlForm() {
    assertEquals(Path.of("/x/hub.mv.db"), HealthVerticle.h2File("jdbc:h2:file:/x/hub;WRITE_DELAY=0"));
    assertEquals(Path.of("./data/hubbub.mv.db"), HealthVerticle.h2File("jdbc:h2:./data/hubbub"));
    assertEquals(null, HealthVerticle.h2File("jdbc:h2:mem:hub;DB_CLOSE_DELAY=-1"));
    assertEquals(null, HealthVerticle.h2File("jdbc:h2:tcp://localhost/hub"));
    assertEquals(null, HealthVerticle.h2File("jdbc:postgresql://localhost/hub"));
  }

  /** Polls readiness (its answer is cached for a second) until it turns false. */
  private static JsonObject awaitNotReady(WebClient web, int port) throws Exception {
    return awaitStatus(web, port, 503);
  }

  private static JsonObject awaitStatus(WebClient web, int port, int status) throws Exception {
    return Readiness.await(web, port, status, WAIT_SECONDS).bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> get(WebClient web, int port, String uri) throws Exception {
    return await(web.get(port, "127.0.0.1", uri).send());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
