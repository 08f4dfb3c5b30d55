package dev.hubbub.auth;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.MultiMap;

/**
 * A token as a client presented it, and how. Tokens are taken from an {@code Authorization: Bearer} header,
 * from the {@value #COOKIE} cookie a login sets, or from a WebSocket {@code auth} frame; never from a query
 * string, which would leak into logs.
 *
 * @param token  the compact JWT; empty when the client sent an Authorization header that is not a bearer token
 * @param source where it came from: a cookie is sent by the browser on its own, so it needs CSRF and Origin checks
 */
public record Credentials(String token, Source source) {

  /** The HttpOnly, SameSite=Strict cookie that carries a browser's token. */
  public static final String COOKIE = "hubbub_token";
  private static final String BEARER = "bearer ";

  public enum Source { BEARER, COOKIE, FRAME }

  /** From request (or WebSocket/SockJS handshake) headers: the bearer token first, then the cookie; null when neither. */
  public static Credentials from(MultiMap headers) {
    Credentials bearer = bearer(headers.get("Authorization"));
    if (bearer != null) {
      return bearer;
    }
    String token = cookie(headers.getAll("Cookie"));
    return token == null ? null : new Credentials(token, Source.COOKIE);
  }

  /**
   * From one {@code Authorization} value, e.g. an event-bus frame's {@code headers.authorization}; null when
   * absent. Another scheme yields an empty token, which fails verification rather than passing as a guest.
   */
  public static Credentials bearer(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    String value = authorization.strip();
    boolean isBearer = value.length() > BEARER.length() && value.regionMatches(true, 0, BEARER, 0, BEARER.length());
    return new Credentials(isBearer ? value.substring(BEARER.length()).strip() : "", Source.BEARER);
  }

  /** A token sent in a WebSocket {@code auth} frame. */
  public static Credentials frame(String token) {
    return new Credentials(token == null ? "" : token, Source.FRAME);
  }

  public boolean fromCookie() {
    return source == Source.COOKIE;
  }

  private static String cookie(Iterable<String> cookieHeaders) {
    for (String header : cookieHeaders) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
        if (COOKIE.equals(cookie.name()) && !cookie.value().isEmpty()) {
          return cookie.value();
        }
      }
    }
    return null;
  }
}
