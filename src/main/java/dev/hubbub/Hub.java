package dev.hubbub;

import dev.hubbub.auth.AccountsVerticle;
import dev.hubbub.auth.Secrets;
import dev.hubbub.cluster.Cluster;
import dev.hubbub.cluster.ClusterRoomOwners;
import dev.hubbub.cluster.CommandRouter;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.LocalRoomOwners;
import dev.hubbub.feed.PresenceVerticle;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.health.HealthVerticle;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.CommandCodec;
import dev.hubbub.protocol.FeedEventCodec;
import dev.hubbub.stats.StatsVerticle;
import dev.hubbub.store.CommitGroup;
import dev.hubbub.store.Databases;
import dev.hubbub.store.HistoryStores;
import dev.hubbub.web.HttpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The composition root: opens (and migrates) the database once, deploys the core, then the bridges that
 * depend on it. Nothing slow sits on the way to listening: no password hashing, one migration, and ICU's
 * data loads on a worker meanwhile (see the README's start-up note). Undeploying the hub
 * undeploys everything it started. Its deployment config is the whole configuration JSON, completed with
 * the secrets the operator left empty ({@link Secrets}), so every verticle instance signs and checks with the same ones.
 */
public class Hub extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private JsonObject settings;
  /** The one pool on the database, migrated once, shared by the sequencer and the accounts verticle. */
  private Pool pool;
  /** The HTTP deployment, which mounts every bridge: undeployed first at shutdown, while the core still answers it. */
  private String bridges;
  private Future<JsonObject> shutdown;

  @Override
  public Future<?> start() {
    HubConfig config = HubConfig.from(config());
    // Room events travel the bus as typed values: one codec per Vert.x, local copies free, JSON between nodes.
    FeedEventCodec.register(vertx);
    // So do the write commands and their acks: JSON between nodes, exactly the bodies JSON senders use.
    CommandCodec.register(vertx);
    // Clustered: rooms are owned per node first, then per shard on that node.
    Cluster.of(vertx).ifPresent(cluster -> RoomOwners.install(vertx, new ClusterRoomOwners(cluster, LocalRoomOwners.perEventLoop())));
    // Reading or writing the kept secrets is file IO, and so is migrating: on workers, side by side.
    Future<JsonObject> secrets = vertx.executeBlocking(() -> Secrets.fill(config().copy()), false);
    Future<Pool> database = Databases.open(vertx, config.db()).onSuccess(opened -> pool = opened);
    // The metrics registry takes a while to build: on a worker too, or its first use would stall the event loops.
    Future<HubMetrics> metrics = vertx.executeBlocking(HubMetrics::get, false);
    return Future.all(secrets, database, metrics).compose(all -> deployAll(secrets.result()))
        .onFailure(e -> {
          if (pool != null) {
            pool.close(); // a failed start is not stopped
          }
        });
  }

  @Override
  public Future<?> stop() {
    // Vert.x undeploys the verticles this one started before stopping it, so nobody uses the pool now.
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private Future<?> deployAll(JsonObject filled) {
    settings = filled;
    HubConfig config = HubConfig.from(settings);
    int httpInstances = config.http().instances() > 0 ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    if (config.auth().guests()) {
      log.info("guests are admitted (auth.guests); set it to false in production");
    }
    // The core verticles only talk over the bus, so they start side by side; the bridges once all are up.
    return Future.all(
            deploy(shards(config), RoomOwners.of(vertx).localShards()),
            deploy(() -> new AccountsVerticle(pool), 1),
            deploy(() -> new PresenceVerticle(pool), 1),
            deploy(StatsVerticle::new, 1),
            deploy(HealthVerticle::new, 1),
            // Clustered: each room's commands go to the node that owns the room (dev.hubbub.cluster).
            Cluster.of(vertx).isPresent() ? deploy(CommandRouter::new, 1) : Future.succeededFuture())
        // The HTTP instances mount every bridge, the TCP one included: one subscription engine per event loop.
        .compose(core -> deploy(HttpServerVerticle::new, httpInstances).onSuccess(id -> bridges = id));
  }

  /**
   * The graceful part of a shutdown, to run before the hub is undeployed (Vert.x undeploys a deployment's
   * children all at once, in no order). The sequencer writes and answers every command it holds and refuses
   * new ones (503); then the bridges are undeployed, each telling its clients it is going away with their
   * resume point, after the acks already answered; the core stays up meanwhile, so leaving rooms works.
   * Completes with what was drained and told; safe to call from any thread, and more than once.
   */
  public synchronized Future<JsonObject> shutDown(long deadlineMs) {
    if (shutdown == null) {
      Promise<JsonObject> done = Promise.promise();
      shutdown = done.future();
      if (context == null) {
        done.complete(new JsonObject().put("commands", 0));
      } else {
        context.runOnContext(v -> drainThenUndeployBridges(deadlineMs).onComplete(done));
      }
    }
    return shutdown;
  }

  private Future<JsonObject> drainThenUndeployBridges(long deadlineMs) {
    JsonObject summary = new JsonObject().put("commands", 0).put("ws", 0).put("sse", 0).put("bridge", 0);
    MessageConsumer<JsonObject> told = vertx.eventBus().localConsumer(Addresses.SHUTDOWN_TOLD,
        msg -> msg.body().forEach(e -> summary.put(e.getKey(), summary.getInteger(e.getKey(), 0) + (Integer) e.getValue())));
    return vertx.eventBus().<JsonObject>request(Addresses.DRAIN, new JsonObject(), new DeliveryOptions().setSendTimeout(deadlineMs).setLocalOnly(true))
        .onSuccess(reply -> summary.put("commands", reply.body().getInteger("commands", 0)))
        .otherwise(e -> {
          log.warn("shutdown: the sequencer did not drain: {}", e.getMessage());
          return null;
        })
        .compose(v -> {
          String id = bridges;
          bridges = null;
          return id == null ? Future.succeededFuture() : vertx.undeploy(id).otherwiseEmpty();
        })
        .compose(v -> told.unregister().otherwiseEmpty())
        .map(v -> summary);
  }

  /**
   * One sequencer shard per instance, numbered as {@link RoomOwners} numbers them (an installed clustered one,
   * or local), all sharing one commit group on the database.
   */
  private Supplier<SequencerVerticle> shards(HubConfig config) {
    AtomicInteger next = new AtomicInteger();
    CommitGroup commits = HistoryStores.commitGroup(context, pool, config);
    return () -> new SequencerVerticle(pool, commits, next.getAndIncrement());
  }

  private Future<String> deploy(Supplier<? extends VerticleBase> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(settings).setInstances(instances));
  }
}
