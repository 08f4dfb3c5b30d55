package dev.hubbub.web.pages;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes page and JSON responses for the htmx pages. */
final class Pages {

  private Pages() {
  }

  static void html(RoutingContext ctx, int status, String html) {
    html(ctx, status, Buffer.buffer(html));
  }

  static void html(RoutingContext ctx, int status, Buffer html) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store").end(html);
    }
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }
  }

  static void json(RoutingContext ctx, int status, String error) {
    json(ctx, status, new JsonObject().put("error", error));
  }
}
