package dev.hubbub.health;

import dev.hubbub.cluster.Cluster;
import dev.hubbub.config.HubConfig;
import dev.hubbub.store.Databases;
import dev.hubbub.store.StoreFile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers readiness on {@link #READY}: the database is reachable and takes a write, its migrations are done,
 * and, for an embedded H2 file, the file is still there (a deleted file keeps working through its open
 * handle until the restart that loses everything since); when clustered, the node has joined and owns its
 * share of rooms. The probe writes one row of its own table through
 * its own one-connection pool, at most once per {@link #CACHE_MS}, so polling it cannot load the database.
 */
public class HealthVerticle extends VerticleBase {

  public static final String READY = "hubbub.health.ready";
  static final long CACHE_MS = 1000;
  static final long PROBE_TIMEOUT_MS = 3000;

  private HubConfig.Db db;
  private boolean inMemory;
  private Pool pool;
  private Path h2File;
  private JsonObject last;
  private long lastAt;
  private Future<JsonObject> inFlight;

  @Override
  public Future<?> start() {
    HubConfig.Db configured = HubConfig.from(config()).db();
    inMemory = configured.inMemory();
    db = new HubConfig.Db(configured.url(), configured.user(), configured.password(), 1);
    h2File = inMemory ? null : h2File(db.url());
    Future<?> opened = inMemory ? Future.succeededFuture() : open(Future.succeededFuture(Databases.connect(vertx, db)));
    return opened.onSuccess(v -> vertx.eventBus().<JsonObject>consumer(READY, message -> ready().onSuccess(message::reply)));
  }

  /**
   * A pool of its own (readiness must not wait behind traffic): at start on the database the hub has just
   * migrated; after a failure through {@link Databases#open}, whose fresh JDBC connection is what brings an
   * embedded database that was shut down back.
   */
  private Future<Pool> open(Future<Pool> pooled) {
    return pooled
        .compose(p -> p.query("CREATE TABLE IF NOT EXISTS hubbub_health (id INT PRIMARY KEY, checked_at BIGINT NOT NULL)")
            .execute().map(r -> p))
        .onSuccess(p -> pool = p);
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private Future<JsonObject> ready() {
    long now = System.currentTimeMillis();
    if (last != null && now - lastAt < CACHE_MS) {
      return Future.succeededFuture(last);
    }
    if (inFlight != null) {
      return inFlight;
    }
    // Recorded before its completion handler is added: a probe that is done at once (a closed pool, the
    // memory store) runs that handler right away, and must not stay behind as the one in flight forever.
    Future<JsonObject> probing = probe();
    inFlight = probing;
    probing.onComplete(result -> {
      last = result.result();
      lastAt = System.currentTimeMillis();
      inFlight = null;
    });
    return probing;
  }

  /** Always succeeds, with {@code ready} true or false and what was checked. */
  private Future<JsonObject> probe() {
    if (inMemory) {
      return Future.succeededFuture(answer(true, "memory store: nothing to check"));
    }
    if (h2File != null && !Files.exists(h2File)) {
      return Future.succeededFuture(answer(false, "database file " + h2File.getFileName() + " is missing"));
    }
    // After a failure the pool is dropped, so a database that comes back is found with fresh connections.
    Future<Pool> connected = pool != null ? Future.succeededFuture(pool) : open(Databases.open(vertx, db));
    return connected
        .compose(p -> p.withTransaction(conn -> conn.query("DELETE FROM hubbub_health").execute()
            .compose(r -> conn.preparedQuery("INSERT INTO hubbub_health (id, checked_at) VALUES (1, ?)")
                .execute(Tuple.of(System.currentTimeMillis())))))
        .timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> answer(true, "reachable and writable"))
        .otherwise(e -> {
          if (pool != null) {
            pool.close();
            pool = null;
          }
          return answer(false, "not writable: " + e.getMessage());
        });
  }

  private JsonObject answer(boolean databaseReady, String database) {
    JsonObject checks = new JsonObject().put("database", database).put("migrations", "done");
    boolean ready = databaseReady;
    Optional<Cluster> cluster = Cluster.of(vertx);
    if (cluster.isPresent()) {
      // Joined means this node's router is up and the members it sees count it: it owns its share of rooms.
      List<String> members = cluster.get().members();
      boolean joined = members.contains(cluster.get().nodeId());
      checks.put("cluster", joined ? "joined, " + members.size() + " member" + (members.size() == 1 ? "" : "s") : "not joined yet");
      ready &= joined;
    }
    return new JsonObject().put("status", ready ? "ready" : "not ready").put("ready", ready).put("checks", checks);
  }

  /** The file of an embedded H2 database, else null (see {@link StoreFile#of}). */
  static Path h2File(String url) {
    return StoreFile.of(url);
  }
}
