package dev.hubbub.web;

import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Utf8;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.CharacterCodingException;

/** Reads JSON request bodies and writes JSON responses. */
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

  /** A failed command's code and user-safe message as the answer. */
  static void failed(RoutingContext ctx, Throwable e) {
    error(ctx, Failure.codeOf(e), Failure.messageOf(e));
  }

  /** The request body as a JSON object, or null after answering 400. */
  static JsonObject body(RoutingContext ctx) {
    try {
      String text = ctx.body().buffer() == null ? null : Utf8.strict(ctx.body().buffer());
      if (text != null && !text.isBlank()) {
        return new JsonObject(text);
      }
    } catch (CharacterCodingException e) {
      error(ctx, 400, "the body is not UTF-8");
      return null;
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    error(ctx, 400, "expected a JSON object body");
    return null;
  }
}
