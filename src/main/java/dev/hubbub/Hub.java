package dev.hubbub;

import dev.hubbub.bridge.eventbus.TcpBridgeVerticle;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.PresenceVerticle;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.stats.StatsVerticle;
import dev.hubbub.web.HttpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;

/**
 * The composition root: deploys the core first, then the bridges that depend on it. Undeploying the hub
 * undeploys everything it started. Its deployment config is the whole configuration JSON.
 */
public class Hub extends VerticleBase {

  @Override
  public Future<?> start() {
    HubConfig config = HubConfig.from(config());
    int httpInstances = config.http().instances() > 0 ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    return deploy(SequencerVerticle.class, 1)
        .compose(id -> deploy(PresenceVerticle.class, 1))
        .compose(id -> deploy(StatsVerticle.class, 1))
        .compose(id -> deploy(HttpServerVerticle.class, httpInstances))
        .compose(id -> config.tcp().enabled() ? deploy(TcpBridgeVerticle.class, httpInstances) : Future.succeededFuture(id));
  }

  private Future<String> deploy(Class<? extends VerticleBase> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config()).setInstances(instances));
  }
}
