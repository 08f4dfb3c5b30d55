package dev.hubbub.store;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.UUID;

/** Opens connection pools on the configured database, migrated to the current schema first. */
public final class Databases {

  private static final Logger log = LoggerFactory.getLogger(Databases.class);

  static final String MIGRATIONS = "classpath:db/migration";

  private Databases() {
  }

  /**
   * A pool on {@code db}, after Flyway has brought it to the current schema (on a worker: Flyway is
   * blocking JDBC). For {@code db.url = "memory"} it is a private in-memory H2 database, so accounts work
   * the same way (and are forgotten on restart, like the history).
   */
  public static Future<Pool> open(Vertx vertx, HubConfig.Db db) {
    String url = db.inMemory() ? "jdbc:h2:mem:hubbub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" : durableUrl(db.url());
    boolean credentials = !db.inMemory() && !db.user().isEmpty();
    return vertx.executeBlocking(() -> migrate(url, credentials ? db.user() : null, credentials ? db.password() : null))
        .map(v -> pool(vertx, db, url, credentials));
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
