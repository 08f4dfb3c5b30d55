package dev.hubbub.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * Bad requests from outside get a short plain answer and at most a debug line: vertx-web would log each one
 * at ERROR with a stack trace, which lets anyone fill the log. Real server faults (5xx) are still logged.
 */
final class BadRequests {

  private static final Logger log = LoggerFactory.getLogger(BadRequests.class);
  /** A '%' not followed by two hex digits, which vertx-web cannot decode while routing. */
  private static final Pattern MALFORMED_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private BadRequests() {
  }

  /** Mounts the URL check first and the catch-all failure handler last; call before and after the other routes. */
  static void guard(Router router) {
    router.route().handler(BadRequests::rejectMalformedEscapes);
  }

  static void catchAll(Router router) {
    router.route().failureHandler(BadRequests::unhandled);
  }

  private static void rejectMalformedEscapes(RoutingContext ctx) {
    String uri = ctx.request().uri();
    if (MALFORMED_ESCAPE.matcher(uri).find()) {
      log.debug("400 for a malformed percent-escape from {}", ctx.request().remoteAddress());
      answer(ctx, 400, "malformed percent-escape in the URL");
      return;
    }
    ctx.next();
  }

  private static void unhandled(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    } else {
      log.debug("{} for {} {}: {}", status, ctx.request().method(), ctx.request().path(),
          ctx.failure() == null ? "-" : ctx.failure().getMessage());
    }
    answer(ctx, status, status >= 500 ? "internal error" : status == 413 ? "request body too large" : "bad request");
  }

  private static void answer(RoutingContext ctx, int status, String text) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
