package dev.hubbub.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON responses. */
final class Json {

  private Json() {
  }

  static void ok(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    ok(ctx, status, new JsonObject().put("error", message));
  }
}
