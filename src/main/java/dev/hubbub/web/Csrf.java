package dev.hubbub.web;

import dev.hubbub.auth.HttpAuth;
import dev.hubbub.config.HubConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CSRFHandler;

/**
 * CSRF protection with vertx-web's {@link CSRFHandler} (double-submit: a signed token in the
 * {@value #COOKIE} cookie must come back in the {@value #HEADER} header or form field). Pages get a token
 * on GET ({@link #token}); a state-changing request must carry it when it acts with the login cookie or
 * is a form post. Requests with a bearer token or a JSON body and no cookie cannot be forged by another
 * site's page (it can neither attach the header nor send JSON without CORS), so they need none.
 */
public final class Csrf {

  public static final String COOKIE = "XSRF-TOKEN";
  public static final String HEADER = "X-XSRF-TOKEN";
  /** How long a page's token stays valid. */
  private static final long TIMEOUT_MS = 2 * 3600_000L;

  private final CSRFHandler handler;

  public Csrf(Vertx vertx, HubConfig.Auth config) {
    handler = CSRFHandler.create(vertx, config.csrfSecret()).setCookieName(COOKIE).setHeaderName(HEADER).setTimeout(TIMEOUT_MS);
  }

  /** For pages and {@code GET /api/me}: issues a token (cookie + {@link #token}). */
  public Handler<RoutingContext> issue() {
    return handler;
  }

  /** For state-changing routes, after their BodyHandler: checks the token when the request needs one. */
  public Handler<RoutingContext> protect() {
    return ctx -> {
      if (needsToken(ctx)) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** The token to render into a page's forms and {@code hx-headers}; null when none was issued. */
  public static String token(RoutingContext ctx) {
    return ctx.get(HEADER);
  }

  private static boolean needsToken(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      return false;
    }
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase();
    boolean form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    boolean bearer = String.valueOf(ctx.request().getHeader("Authorization")).regionMatches(true, 0, "bearer ", 0, 7);
    return form || HttpAuth.hasCookie(ctx.request()) && !bearer;
  }
}
