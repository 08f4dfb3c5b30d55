package dev.hubbub;

import dev.hubbub.auth.AccountsVerticle;
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

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The composition root: deploys the core first, then the bridges that depend on it. Undeploying the hub
 * undeploys everything it started. Its deployment config is the whole configuration JSON, completed with
 * the secrets the operator left empty, so every verticle instance signs and checks with the same ones.
 */
public class Hub extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private JsonObject settings;

  @Override
  public Future<?> start() {
    settings = withSecrets(config().copy());
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

  /** Fills an empty HMAC secret and CSRF secret with random ones; the secrets themselves are never logged. */
  private static JsonObject withSecrets(JsonObject config) {
    JsonObject auth = config.getJsonObject("auth", new JsonObject());
    config.put("auth", auth);
    JsonObject jwt = auth.getJsonObject("jwt", new JsonObject());
    auth.put("jwt", jwt);
    if (jwt.getString("algorithm", "HS256").startsWith("HS") && jwt.getString("secret", "").isEmpty()) {
      log.warn("auth.jwt.secret is not set: using a random secret, so tokens will not survive a restart"
          + " (set HUBBUB_AUTH_JWT_SECRET to at least 32 random characters)");
      jwt.put("secret", random());
    }
    if (auth.getString("csrfSecret", "").isEmpty()) {
      auth.put("csrfSecret", random());
    }
    return config;
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
