package dev.hubbub.store;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the history store the configuration names: migrated JDBC by default, in-memory on request. */
public final class HistoryStores {

  private static final Logger log = LoggerFactory.getLogger(HistoryStores.class);

  private HistoryStores() {
  }

  public static Future<HistoryStore> open(Vertx vertx, HubConfig config) {
    if (config.db().inMemory()) {
      log.warn("db.url is \"memory\": history is kept in memory only and lost on restart");
      return Future.succeededFuture(new MemoryHistoryStore(config.history().memoryWindow()));
    }
    return Databases.open(vertx, config.db()).map(pool -> new JdbcHistoryStore(pool, () -> Databases.reopen(vertx, config.db())));
  }
}
