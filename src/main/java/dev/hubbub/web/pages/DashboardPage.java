package dev.hubbub.web.pages;

import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /dashboard}: the live figures, painted on the server, then replaced by each {@code stats} event. */
public final class DashboardPage {

  private final Vertx vertx;
  private final Views views;

  public DashboardPage(Vertx vertx, Views views) {
    this.vertx = vertx;
    this.views = views;
  }

  public void mount(Router router) {
    router.get("/dashboard").handler(this::page);
  }

  private void page(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject())
        .onSuccess(reply -> Pages.html(ctx, 200, views.dashboard(StatsView.of(reply.body()))))
        .onFailure(e -> Pages.html(ctx, Failure.codeOf(e), views.error(Failure.codeOf(e), Failure.messageOf(e))));
  }
}
