package dev.hubbub.store;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** Opens the history store the configuration names: migrated JDBC by default, in-memory on request. */
public final class HistoryStores {

  private static final Logger log = LoggerFactory.getLogger(HistoryStores.class);

  static final String MIGRATIONS = "classpath:db/migration";

  private HistoryStores() {
  }

  public static Future<HistoryStore> open(Vertx vertx, HubConfig config) {
    HubConfig.Db db = config.db();
    if (db.inMemory()) {
      log.warn("db.url is \"memory\": history is kept in memory only and lost on restart");
      return Future.succeededFuture(new MemoryHistoryStore(config.history().memoryWindow()));
    }
    String url = durableUrl(db.url());
    // Flyway is blocking JDBC: run it on a worker, never on the event loop.
    return vertx.executeBlocking(() -> migrate(url, db))
        .map(v -> {
          JDBCConnectOptions connect = new JDBCConnectOptions().setJdbcUrl(url);
          if (!db.user().isEmpty()) {
            connect.setUser(db.user()).setPassword(db.password());
          }
          return (HistoryStore) new JdbcHistoryStore(JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(db.maxPoolSize())));
        });
  }

  private static Void migrate(String url, HubConfig.Db db) {
    var result = Flyway.configure()
        .dataSource(url, db.user().isEmpty() ? null : db.user(), db.user().isEmpty() ? null : db.password())
        .locations(MIGRATIONS)
        .load()
        .migrate();
    log.info("history database {} at schema version {}", redact(url), result.targetSchemaVersion != null
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
