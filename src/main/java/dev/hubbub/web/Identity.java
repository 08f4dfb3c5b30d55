package dev.hubbub.web;

import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is making an HTTP write. Until authentication exists this is the {@code username} the request
 * body claims; it is looked up only here, so an authenticated identity can replace it in one place.
 */
final class Identity {

  private Identity() {
  }

  /** The acting user's name; a missing or invalid one is a {@link Failure.Rejected} 400. */
  static String username(RoutingContext ctx, JsonObject body) {
    return Rules.username(body);
  }
}
