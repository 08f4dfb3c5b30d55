package dev.hubbub;

import dev.hubbub.auth.AccountsVerticle;
import dev.hubbub.auth.Secrets;
import dev.hubbub.bridge.eventbus.TcpBridgeVerticle;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.PresenceVerticle;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.health.HealthVerticle;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.stats.StatsVerticle;
import dev.hubbub.web.HttpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;


/**
 * The composition root: deploys the core first, then the bridges that depend on it. Undeploying the hub
 * undeploys everything it started. Its deployment config is the whole configuration JSON, completed with
 * the secrets the operator left empty ({@link Secrets}), so every verticle instance signs and checks with the same ones.
 */
public class Hub extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private JsonObject settings;
  /** The HTTP and TCP deployments: undeployed first at shutdown, while the core still answers them. */
  private final List<String> bridges = new ArrayList<>();
  private Future<JsonObject> shutdown;

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
        .onSuccess(bridges::add)
        .compose(id -> config.tcp().enabled() ? deploy(TcpBridgeVerticle.class, httpInstances).onSuccess(bridges::add)
            : Future.succeededFuture(id));
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
    return vertx.eventBus().<JsonObject>request(Addresses.DRAIN, new JsonObject(), new DeliveryOptions().setSendTimeout(deadlineMs))
        .onSuccess(reply -> summary.put("commands", reply.body().getInteger("commands", 0)))
        .otherwise(e -> {
          log.warn("shutdown: the sequencer did not drain: {}", e.getMessage());
          return null;
        })
        .compose(v -> {
          List<Future<?>> undeploys = new ArrayList<>();
          bridges.forEach(id -> undeploys.add(vertx.undeploy(id)));
          bridges.clear();
          return Future.join(undeploys).otherwiseEmpty();
        })
        .compose(v -> told.unregister().otherwiseEmpty())
        .map(v -> summary);
  }

  private Future<String> deploy(Class<? extends VerticleBase> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(settings).setInstances(instances));
  }
}
