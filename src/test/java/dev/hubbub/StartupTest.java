package dev.hubbub;

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
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Nothing slow on the way to listening: no password is hashed at start-up, and the schema is migrated once. */
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
