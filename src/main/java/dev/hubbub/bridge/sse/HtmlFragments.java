package dev.hubbub.bridge.sse;

import io.vertx.core.json.JsonObject;

/**
 * Renders events as the HTML fragments htmx swaps into a page. Implemented by the web layer, which owns
 * the templates; every piece of user text in the result must be escaped.
 */
public interface HtmlFragments {

  /** A room feed event ({@code chat}, {@code joined}, {@code left}, {@code roster}, {@code edited}, {@code deleted}, {@code truncated}). */
  String feedEvent(JsonObject event);

  /** The dashboard figures, as published on {@code Addresses.STATS_FEED}. */
  String stats(JsonObject snapshot);
}
