package dev.hubbub;

import dev.hubbub.auth.AccountsVerticle;
import dev.hubbub.auth.Secrets;
import dev.hubbub.bridge.eventbus.TcpBridgeVerticle;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.PresenceVerticle;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.health.HealthVerticle;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.store.Databases;
import dev.hubbub.stats.StatsVerticle;
import dev.hubbub.web.HttpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  @Override
  public Future<?> start() {
    HubConfig config = HubConfig.from(config());
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
            deploy(() -> new SequencerVerticle(pool), 1),
            deploy(() -> new AccountsVerticle(pool), 1),
            deploy(PresenceVerticle::new, 1),
            deploy(StatsVerticle::new, 1),
            deploy(HealthVerticle::new, 1))
        .compose(core -> Future.all(
            deploy(HttpServerVerticle::new, httpInstances),
            config.tcp().enabled() ? deploy(TcpBridgeVerticle::new, httpInstances) : Future.succeededFuture()));
  }

  private Future<String> deploy(Supplier<? extends VerticleBase> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(settings).setInstances(instances));
  }
}
