package dev.hubbub.web.pages;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Csrf;
import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /dashboard}: the login/register form (or who is logged in) and the live figures, painted on
 * the server, then replaced by each {@code stats} event. Without a usable token on a hub that admits no
 * guests, only the form is shown; with a bad token, the form and why.
 */
public final class DashboardPage {

  /** Longest login error shown back from the query string. */
  private static final int MAX_ERROR = 200;

  private final Vertx vertx;
  private final Views views;
  private final HttpAuth auth;
  private final Handler<RoutingContext> issueCsrf;

  public DashboardPage(Vertx vertx, Views views, HttpAuth auth, Handler<RoutingContext> issueCsrf) {
    this.vertx = vertx;
    this.views = views;
    this.auth = auth;
    this.issueCsrf = issueCsrf;
  }

  public void mount(Router router) {
    router.get("/dashboard").handler(issueCsrf).handler(this::page);
  }

  private void page(RoutingContext ctx) {
    String error = ctx.queryParams().get("authError");
    if (error != null && error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR);
    }
    String shownError = error;
    auth.identify(ctx.request()).onComplete(identified -> {
      if (identified.failed()) {
        String why = ctx.request().getCookie(Credentials.COOKIE) == null && shownError == null ? null : Failure.messageOf(identified.cause());
        AccountView account = new AccountView(null, auth.guestsAdmitted(), Csrf.token(ctx), shownError != null ? shownError : why);
        Pages.html(ctx, 200, views.dashboard(null, account));
        return;
      }
      Identity who = identified.result();
      AccountView account = new AccountView(who.guest() ? null : who.username(), auth.guestsAdmitted(), Csrf.token(ctx), shownError);
      vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject())
          .onSuccess(reply -> Pages.html(ctx, 200, views.dashboard(StatsView.of(reply.body()), account)))
          .onFailure(e -> Pages.html(ctx, Failure.codeOf(e), views.error(Failure.codeOf(e), Failure.messageOf(e))));
    });
  }
}
