package dev.hubbub.auth;

import dev.hubbub.config.HubConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF protection by signed double-submit tokens bound to the login: a token is
 * {@code nonce.issuedAt.HMAC(secret, nonce.issuedAt.login)}, where {@code login} is the login cookie the
 * request carried (none before logging in). Pages get one on GET in the {@value #COOKIE} cookie and
 * {@link #token}; a state-changing request must send it back in the {@value #HEADER} header or form field,
 * equal to the cookie, signed for the login cookie it now carries, and younger than two hours. A token and
 * cookie pair taken from another session (another login, or none) therefore fails with the victim's login
 * cookie, and logging in makes the pages fetch a fresh one. A checked request gets a new token, as pages
 * render the renewed one into their forms.
 *
 * <p>A state-changing request needs a token when it acts with the login cookie or is a form post.
 * Requests with a bearer token or a JSON body and no cookie cannot be forged by another site's page (it
 * can neither attach the header nor send JSON without CORS), so they need none.
 */
public final class Csrf {

  public static final String COOKIE = "XSRF-TOKEN";
  public static final String HEADER = "X-XSRF-TOKEN";
  /** How long a page's token stays valid. */
  private static final long TIMEOUT_MS = 2 * 3600_000L;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Mac prototype;
  private final SecureRandom random = new SecureRandom();

  /** {@code vertx} is unused: kept so the router assembly need not change. */
  public Csrf(Vertx vertx, HubConfig.Auth config) {
    try {
      prototype = Mac.getInstance("HmacSHA256");
      prototype.init(new SecretKeySpec(config.csrfSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** For pages and {@code GET /api/me}: hands out a token (cookie + {@link #token}), reusing a valid one. */
  public Handler<RoutingContext> issue() {
    return ctx -> {
      Cookie cookie = ctx.request().getCookie(COOKIE);
      if (cookie != null && valid(ctx, cookie.getValue())) {
        ctx.put(HEADER, cookie.getValue());
      } else {
        renew(ctx);
      }
      ctx.next();
    };
  }

  /** For state-changing routes, after their BodyHandler: checks the token when the request needs one (else 403). */
  public Handler<RoutingContext> protect() {
    return ctx -> {
      if (!needsToken(ctx)) {
        ctx.next();
        return;
      }
      Cookie cookie = ctx.request().getCookie(COOKIE);
      String sent = ctx.request().getHeader(HEADER);
      if (sent == null) {
        sent = ctx.request().getFormAttribute(HEADER);
      }
      if (cookie == null || sent == null || !constantTimeEquals(sent, cookie.getValue()) || !valid(ctx, sent)) {
        ctx.fail(403);
        return;
      }
      renew(ctx);
      ctx.next();
    };
  }

  /** The token to render into a page's forms and {@code hx-headers}; null when none was issued. */
  public static String token(RoutingContext ctx) {
    return ctx.get(HEADER);
  }

  private void renew(RoutingContext ctx) {
    byte[] nonce = new byte[18];
    random.nextBytes(nonce);
    String payload = B64.encodeToString(nonce) + "." + System.currentTimeMillis();
    String token = payload + "." + sign(payload, login(ctx));
    ctx.put(HEADER, token);
    ctx.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(ctx.request().isSSL()).setMaxAge(TIMEOUT_MS / 1000));
  }

  /** Whether {@code token} is ours, unexpired, and signed for the login cookie this request carries. */
  private boolean valid(RoutingContext ctx, String token) {
    int sig = token.lastIndexOf('.');
    int at = sig < 0 ? -1 : token.lastIndexOf('.', sig - 1);
    if (at < 0) {
      return false;
    }
    long issued;
    try {
      issued = Long.parseLong(token.substring(at + 1, sig));
    } catch (NumberFormatException e) {
      return false;
    }
    long age = System.currentTimeMillis() - issued;
    return age >= 0 && age <= TIMEOUT_MS && constantTimeEquals(token.substring(sig + 1), sign(token.substring(0, sig), login(ctx)));
  }

  /** The login the token is bound to: the login cookie's value, or empty without one. */
  private static String login(RoutingContext ctx) {
    Cookie login = ctx.request().getCookie(Credentials.COOKIE);
    return login == null ? "" : login.getValue();
  }

  private String sign(String payload, String login) {
    try {
      Mac mac = (Mac) prototype.clone();
      mac.update(payload.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return B64.encodeToString(mac.doFinal(login.getBytes(StandardCharsets.UTF_8)));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
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
