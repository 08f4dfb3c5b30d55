package dev.hubbub.web;

import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The JSON API under {@code /api} and the health check. Every error is a JSON body {@code {error}}. */
final class RestApi {

  private static final long HEALTH_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final long startedAt = System.currentTimeMillis();

  RestApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/stats").handler(this::stats);
    router.get("/health").handler(this::health);
    router.route("/api/*").handler(ctx -> Json.error(ctx, 404, "no such endpoint"));
    router.route("/api/*").failureHandler(ctx -> Json.error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
        ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? "bad request" : "internal error"));
  }

  private void rooms(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject())
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.error(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  /** The dashboard's live figures as JSON (see {@link Addresses#STATS_FEED} for the shape). */
  private void stats(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject())
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.error(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  /** Healthy when the core answers a command in time, so a wedged core shows up here. */
  private void health(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject(), new DeliveryOptions().setSendTimeout(HEALTH_TIMEOUT_MS))
        .onSuccess(reply -> Json.ok(ctx, 200, status("up").put("rooms", reply.body().getJsonArray("rooms").size())))
        .onFailure(e -> Json.ok(ctx, 503, status("down").put("error", e.getMessage())));
  }

  private JsonObject status(String status) {
    return new JsonObject().put("status", status).put("uptimeMs", System.currentTimeMillis() - startedAt);
  }
}
