package dev.hubbub.store;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.UUID;

/** Opens connection pools on the configured database, migrated to the current schema first. */
public final class Databases {

  private static final Logger log = LoggerFactory.getLogger(Databases.class);

  static final String MIGRATIONS = "classpath:db/migration";
  /**
   * The highest migration in {@code db/migration} (a test keeps the two equal). A database whose Flyway
   * history says it is exactly there, every step successful, opens without Flyway.
   */
  static final int SCHEMA_VERSION = 5;
  /** Flyway's history table, as Flyway names it on H2 and PostgreSQL (quoted: lower case on both). */
  static final String HAS_HISTORY = "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'flyway_schema_history'";
  static final String HISTORY = "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL";

  private Databases() {
  }

  /**
   * A pool on {@code db}, at the current schema. The pool first reads Flyway's history table: a database
   * already at {@link #SCHEMA_VERSION} opens without Flyway (its start-up, several hundred classes, is the
   * largest part of a hub's; the trade-off is that an edited, already applied migration is not reported
   * until the next migration runs). Anything else, a fresh or older database, a failed step or no readable
   * history, runs Flyway as always (on a worker: Flyway is blocking JDBC), so its errors are the ones an
   * operator sees. For {@code db.url = "memory"} it is a private in-memory H2 database, so accounts work
   * the same way (and are forgotten on restart, like the history).
   */
  public static Future<Pool> open(Vertx vertx, HubConfig.Db db) {
    String url = db.inMemory() ? "jdbc:h2:mem:hubbub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" : durableUrl(db.url());
    boolean credentials = !db.inMemory() && !db.user().isEmpty();
    Pool pool = pool(vertx, db, url, credentials);
    // Asked first, so a fresh database gets no failed statement (H2 would write it to a trace file beside the data).
    Future<Boolean> current = db.inMemory() ? Future.succeededFuture(false) : pool.query(HAS_HISTORY).execute()
        .compose(rows -> rows.iterator().next().getLong(0) == 0 ? Future.succeededFuture(false)
            : pool.query(HISTORY).execute().map(Databases::isCurrent))
        .otherwise(false); // no readable history or no database: Flyway creates it or says why
    return current.compose(skip -> {
      if (skip) {
        log.info("database {} at schema version {} (current: Flyway not run)", redact(url), SCHEMA_VERSION);
        return Future.succeededFuture(pool);
      }
      return vertx.executeBlocking(() -> migrate(url, credentials ? db.user() : null, credentials ? db.password() : null))
          .map(v -> pool);
    }).onFailure(e -> pool.close());
  }

  /** True when every versioned step succeeded and the highest is exactly {@link #SCHEMA_VERSION}. */
  static boolean isCurrent(RowSet<Row> history) {
    int highest = -1;
    for (Row row : history) {
      Object success = row.getValue(1);
      if (!(Boolean.TRUE.equals(success) || (success instanceof Number n && n.intValue() == 1))) {
        return false; // a failed migration: Flyway reports it (or repairs it on PostgreSQL)
      }
      try {
        highest = Math.max(highest, Integer.parseInt(row.getString(0)));
      } catch (NumberFormatException e) {
        return false; // not one of ours: let Flyway decide
      }
    }
    return highest == SCHEMA_VERSION;
  }

  /**
   * A pool on a file or server database that {@link #open} has already migrated, with no Flyway run: for
   * readiness probes, or to replace a pool whose connections an outage killed.
   */
  public static Pool connect(Vertx vertx, HubConfig.Db db) {
    return pool(vertx, db, durableUrl(db.url()), !db.user().isEmpty());
  }

  private static Pool pool(Vertx vertx, HubConfig.Db db, String url, boolean credentials) {
    JDBCConnectOptions connect = new JDBCConnectOptions().setJdbcUrl(url);
    if (credentials) {
      connect.setUser(db.user()).setPassword(db.password());
    }
    return JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(db.maxPoolSize()));
  }

  private static Void migrate(String url, String user, String password) {
    var result = Flyway.configure().dataSource(url, user, password).locations(MIGRATIONS).load().migrate();
    log.info("database {} at schema version {}", redact(url), result.targetSchemaVersion != null
        ? result.targetSchemaVersion : result.initialSchemaVersion);
    return null;
  }

  /**
   * H2 by default writes committed transactions to its file up to half a second later; a hub killed in
   * between would lose messages it had acknowledged. {@code WRITE_DELAY=0} writes at every commit, which
   * group commit keeps cheap. An explicit WRITE_DELAY in the URL is left as the operator chose.
   */
  static String durableUrl(String url) {
    if (url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY")) {
      return url + ";WRITE_DELAY=0";
    }
    return url;
  }

  /** The URL for logs, without anything after {@code ?} or {@code ;} (passwords may hide there). */
  private static String redact(String url) {
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int at = url.indexOf(c);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    return url.substring(0, cut);
  }
}
