package dev.hubbub.auth;

import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Who an HTTP request (REST call, page, form, event stream, WebSocket upgrade) comes from. The bearer
 * token wins over the cookie; a request with neither is an anonymous guest when guests are admitted, and
 * is refused (401) otherwise. A token that does not verify is refused, never taken for a guest.
 */
public final class HttpAuth {

  private final Authenticator authenticator;
  private final HubConfig.Auth config;

  public HttpAuth(Authenticator authenticator, HubConfig.Auth config) {
    this.authenticator = authenticator;
    this.config = config;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public boolean guestsAdmitted() {
    return config.guests();
  }

  /** The request's identity; a {@link Failure.Rejected} 401 when it has none it may use. */
  public Future<Identity> identify(HttpServerRequest request) {
    Credentials credentials = Credentials.from(request.headers());
    if (credentials == null) {
      return config.guests() ? Future.succeededFuture(Identity.guest(null))
          : Future.failedFuture(Failure.unauthorized("authentication required: log in, or send Authorization: Bearer <token>"));
    }
    return authenticator.verify(credentials);
  }

  /**
   * Who writes: a logged-in user under their own name ({@code claimedName} may be absent or must match,
   * else 403), or a guest under {@code claimedName}, which the core checks like any username.
   */
  public Future<Identity> author(HttpServerRequest request, Object claimedName) {
    return identify(request).compose(who -> {
      if (who.guest()) {
        return Future.succeededFuture(Identity.guest(Rules.username(new JsonObject().put("username", claimedName))));
      }
      if (claimedName != null && !"".equals(claimedName) && !claimedName.equals(who.username())) {
        return Future.failedFuture(Failure.forbidden("you are logged in as '" + who.username() + "': you cannot write as someone else"));
      }
      return Future.succeededFuture(who);
    });
  }

  /** True when the request carries the login cookie, so a state change needs a CSRF token. */
  public static boolean hasCookie(HttpServerRequest request) {
    Credentials credentials = Credentials.from(request.headers());
    return request.getCookie(Credentials.COOKIE) != null || credentials != null && credentials.fromCookie();
  }

  /** Sets the login cookie: HttpOnly (scripts cannot read it), SameSite=Strict (other sites' pages do not send it). */
  public void setCookie(HttpServerRequest request, HttpServerResponse response, Authenticator.Issued issued) {
    response.addCookie(Cookie.cookie(Credentials.COOKIE, issued.token()).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(request.isSSL()).setMaxAge(config.jwt().expirySeconds()));
  }

  public static void clearCookie(HttpServerRequest request, HttpServerResponse response) {
    response.addCookie(Cookie.cookie(Credentials.COOKIE, "").setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(request.isSSL()).setMaxAge(0));
  }
}
