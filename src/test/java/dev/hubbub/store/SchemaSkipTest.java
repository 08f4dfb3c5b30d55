package dev.hubbub.store;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.support.Logged;
import dev.hubbub.support.TempDb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Databases#open} skips Flyway only for a database exactly at the current schema with every step
 * successful; an older database still migrates and a failed step still stops the start. That a current
 * database starts without Flyway's classes is checked on a real process ({@code dev.hubbub.StartupTest}).
 */
@ExtendWith(VertxExtension.class)
class SchemaSkipTest {

  private static HubConfig.Db db(String url) {
    return HubConfig.from(ConfigLoader.defaults().mergeIn(new JsonObject().put("db", new JsonObject().put("url", url)), true)).db();
  }

  private static int highestVersion(String url) throws Exception {
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement();
         ResultSet rows = sql.executeQuery("SELECT MAX(CAST(\"version\" AS INT)) FROM \"flyway_schema_history\"")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void schemaVersionIsTheHighestMigration() throws Exception {
    Path dir = Path.of(Databases.class.getResource("/db/migration").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      int highest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
      assertEquals(highest, Databases.SCHEMA_VERSION, "Databases.SCHEMA_VERSION must name the newest migration");
    }
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void anOlderDatabaseStillMigrates(Vertx vertx, VertxTestContext ctx) throws Exception {
    String url = TempDb.freshH2Url();
    Flyway.configure().dataSource(url, "sa", "").locations(Databases.MIGRATIONS).target("4").load().migrate();
    Databases.open(vertx, db(url))
        .compose(pool -> pool.query("SELECT author_id FROM room_events").execute().eventually(pool::close))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(Databases.SCHEMA_VERSION, highestVersion(url));
          ctx.completeNow();
        })));
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void aCurrentDatabaseWithAFailedStepStillGoesThroughFlyway(Vertx vertx, VertxTestContext ctx) throws Exception {
    String url = TempDb.freshH2Url();
    Flyway.configure().dataSource(url, "sa", "").locations(Databases.MIGRATIONS).load().migrate();
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
      sql.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '" + Databases.SCHEMA_VERSION + "'");
    }
    Databases.open(vertx, db(url)).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertTrue(String.valueOf(e.getMessage()).contains("failed migration"), String.valueOf(e));
      ctx.completeNow();
    })));
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void aFreshDatabaseMigratesWithoutAFailedStatementAndThenOpensAsCurrent(Vertx vertx, VertxTestContext ctx) throws Exception {
    String url = TempDb.freshH2Url();
    Path trace = Path.of(url.substring("jdbc:h2:file:".length()) + ".trace.db");
    Databases.open(vertx, db(url))
        .compose(pool -> {
          // H2 writes a failed statement to a trace file beside the data: asking for a missing history table would.
          ctx.verify(() -> assertFalse(Files.exists(trace), () -> "a failed statement on a fresh database: " + read(trace)));
          return pool.close();
        })
        .compose(v -> Databases.open(vertx, db(url)))
        .compose(pool -> pool.query("SELECT author_id FROM room_events").execute().eventually(pool::close))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(Databases.SCHEMA_VERSION, highestVersion(url));
          ctx.completeNow();
        })));
  }

  /** The same on PostgreSQL when {@code HUBBUB_TEST_PG_URL} names one: its second open runs no Flyway. */
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  @EnabledIfEnvironmentVariable(named = "HUBBUB_TEST_PG_URL", matches = "jdbc:postgresql:.+")
  void aCurrentPostgresDatabaseOpensWithoutFlyway(Vertx vertx, VertxTestContext ctx) {
    HubConfig.Db db = HubConfig.from(ConfigLoader.defaults().mergeIn(new JsonObject().put("db", new JsonObject()
        .put("url", System.getenv("HUBBUB_TEST_PG_URL"))
        .put("user", System.getenv().getOrDefault("HUBBUB_TEST_PG_USER", ""))
        .put("password", System.getenv().getOrDefault("HUBBUB_TEST_PG_PASSWORD", ""))), true)).db();
    Logger log = (Logger) LoggerFactory.getLogger(Databases.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Databases.open(vertx, db).compose(pool -> pool.close())
        .compose(v -> {
          log.addAppender(lines);
          return Databases.open(vertx, db);
        })
        .compose(pool -> pool.close())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          log.detachAppender(lines);
          assertTrue(Logged.events(lines).stream().anyMatch(e -> e.getFormattedMessage().contains("Flyway not run")),
              "the second open skipped Flyway: " + Logged.events(lines));
          ctx.completeNow();
        })));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
