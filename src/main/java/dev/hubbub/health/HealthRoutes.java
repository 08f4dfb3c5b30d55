package dev.hubbub.health;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/live}: the process serves HTTP (restart it when this fails). {@code GET /health/ready}:
 * it can take traffic, as {@link HealthVerticle} decides; 503 with the failed check otherwise.
 */
public final class HealthRoutes {

  private static final long TIMEOUT_MS = 5000;

  private final Vertx vertx;

  public HealthRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> send(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(HealthVerticle.READY, new JsonObject(), new DeliveryOptions().setSendTimeout(TIMEOUT_MS).setLocalOnly(true))
        .onSuccess(reply -> send(ctx, reply.body().getBoolean("ready", false) ? 200 : 503, reply.body()))
        .onFailure(e -> send(ctx, 503, new JsonObject().put("status", "not ready").put("ready", false)
            .put("checks", new JsonObject().put("core", "no answer: " + e.getMessage()))));
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
