package dev.hubbub;

import dev.hubbub.auth.AccountsVerticle;
import dev.hubbub.auth.Secrets;
import dev.hubbub.bridge.eventbus.TcpBridgeVerticle;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.PresenceVerticle;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.health.HealthVerticle;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.stats.StatsVerticle;
import dev.hubbub.web.HttpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The composition root: deploys the core first, then the bridges that depend on it. Undeploying the hub
 * undeploys everything it started. Its deployment config is the whole configuration JSON, completed with
 * the secrets the operator left empty ({@link Secrets}), so every verticle instance signs and checks with the same ones.
 */
public class Hub extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private JsonObject settings;

  @Override
  public Future<?> start() {
    // Reading or writing the kept secrets is file IO: not on the event loop.
    return vertx.executeBlocking(() -> Secrets.fill(config().copy())).compose(this::deployAll);
  }

  private Future<String> deployAll(JsonObject filled) {
    settings = filled;
    HubConfig config = HubConfig.from(settings);
    int httpInstances = config.http().instances() > 0 ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    if (config.auth().guests()) {
      log.info("guests are admitted (auth.guests); set it to false in production");
    }
    // The metrics registry is built on a worker: its first use would otherwise stall every event loop at once.
    return vertx.executeBlocking(HubMetrics::get)
        .compose(metrics -> deploy(SequencerVerticle.class, 1))
        .compose(id -> deploy(AccountsVerticle.class, 1))
        .compose(id -> deploy(PresenceVerticle.class, 1))
        .compose(id -> deploy(StatsVerticle.class, 1))
        .compose(id -> deploy(HealthVerticle.class, 1))
        .compose(id -> deploy(HttpServerVerticle.class, httpInstances))
        .compose(id -> config.tcp().enabled() ? deploy(TcpBridgeVerticle.class, httpInstances) : Future.succeededFuture(id));
  }

  private Future<String> deploy(Class<? extends VerticleBase> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(settings).setInstances(instances));
  }
}
