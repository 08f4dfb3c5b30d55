package dev.hubbub.store;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
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
    return Databases.open(vertx, config.db()).map(pool -> new JdbcHistoryStore(pool, () -> Databases.connect(vertx, config.db())));
  }

  /**
   * The history store on a pool already opened by {@link Databases#open} (the hub opens one for all its
   * verticles), or the memory store when the configuration asks for it. Closing the pool is its owner's job.
   */
  public static HistoryStore on(Vertx vertx, Pool pool, HubConfig config) {
    return on(vertx, pool, config, null);
  }

  /**
   * As {@link #on(Vertx, Pool, HubConfig)}, its appends written by {@code commits} when that is not null,
   * and its latest reads kept ({@link LatestReads}) until {@link HistoryStore#changed} says otherwise.
   */
  public static HistoryStore on(Vertx vertx, Pool pool, HubConfig config, CommitGroup commits) {
    if (config.db().inMemory()) {
      log.warn("db.url is \"memory\": history is kept in memory only and lost on restart");
      return new MemoryHistoryStore(config.history().memoryWindow());
    }
    // After a failed write the store replaces its pool (connections an outage killed stay dead); the
    // replacement needs no migration.
    return new LatestReads(new JdbcHistoryStore(pool, () -> Databases.connect(vertx, config.db()), commits));
  }

  /**
   * The commit group every sequencer shard of this node shares on the configured database, running on
   * {@code home}; null for the in-memory store, which has no commits to share.
   */
  public static CommitGroup commitGroup(Context home, Pool pool, HubConfig config) {
    if (config.db().inMemory()) {
      return null;
    }
    return new CommitGroup(home, new JdbcHistoryStore(pool, () -> Databases.connect(home.owner(), config.db())));
  }
}
