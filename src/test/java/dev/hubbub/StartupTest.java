package dev.hubbub;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.Logged;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.store.Databases;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing slow on the way to listening: no password is hashed at start-up, the schema is migrated once, and
 * a hub on a database already at the current schema loads neither Flyway nor jackson-databind, and Logback
 * reads no XML.
 */
@ExtendWith(VertxExtension.class)
class StartupTest {

  /**
   * With a PBKDF2 count that would take hours to hash once, the hub still starts and answers: start-up
   * hashes nothing (the decoy for unknown names is made without hashing).
   */
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void startsWithoutHashingAPassword(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("passwordIterations", Integer.MAX_VALUE)))
        .compose(hub -> WebClient.create(vertx).get(hub.port, "127.0.0.1", "/health").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          ctx.completeNow();
        })));
  }

  /** The same data directory twice, each hub a child JVM logging the classes it loads until it listens. */
  @Test
  void aHubOnACurrentDatabaseStartsWithoutFlyway(@TempDir Path dir) throws Exception {
    JsonObject config = ConfigLoader.defaults()
        .mergeIn(new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", TestHub.freePort()))
            .put("tcp", new JsonObject().put("enabled", false))
            .put("db", new JsonObject().put("url", "jdbc:h2:file:" + dir.resolve("data/hubbub").toAbsolutePath()))
            .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", TestHub.JWT_SECRET))), true);
    List<String> fresh = classesLoadedUntilListening(dir, "fresh", config);
    assertTrue(fresh.stream().anyMatch(c -> c.startsWith("org.flywaydb.core.Flyway ")), "a fresh database is migrated by Flyway");
    List<String> current = classesLoadedUntilListening(dir, "current", config);
    for (String prefix : new String[] {"org.flywaydb.", "com.fasterxml.jackson.databind.", "ch.qos.logback.core.model.", "ch.qos.logback.classic.joran.", "com.sun.org.apache.xerces."}) {
      assertEquals(List.of(), current.stream().filter(c -> c.startsWith(prefix)).limit(5).toList(), prefix + " loaded on a current database");
    }
  }

  private static List<String> classesLoadedUntilListening(Path dir, String name, JsonObject config) throws Exception {
    Path log = dir.resolve(name + "-classes.txt");
    Path work = Files.createDirectories(dir.resolve(name));
    try (HubProcess hub = HubProcess.start(work, config, 60, List.of("-Xlog:class+load=info:file=" + log + ":none"))) {
      hub.awaitOutput("at schema version", 30);
    }
    return Files.readAllLines(log);
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void migratesTheSchemaOnce(Vertx vertx, VertxTestContext ctx) {
    Logger log = (Logger) LoggerFactory.getLogger(Databases.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    TestHub.start(vertx)
        .onComplete(ctx.succeeding(hub -> ctx.verify(() -> {
          log.detachAppender(lines);
          long migrations = Logged.events(lines).stream().filter(e -> e.getFormattedMessage().contains("at schema version")).count();
          assertEquals(1, migrations, "Flyway runs once per start");
          ctx.completeNow();
        })));
  }
}
