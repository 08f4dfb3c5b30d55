package dev.hubbub.auth;

import io.vertx.core.MultiMap;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Whether a request that authenticates with the cookie comes from a page we trust. Browsers attach cookies
 * to cross-site WebSocket handshakes (SameSite=Strict aside, e.g. older browsers), and WebSockets ignore
 * CORS, so the {@code Origin} header is the check. Without configured origins, the page must come from the
 * host the request was sent to, over the same scheme. An origin is its scheme, host and port (RFC 6454),
 * compared whole, with the scheme's default port filled in.
 */
public final class Origins {

  private Origins() {
  }

  /** An origin: scheme and host lower-cased, the port made explicit. */
  private record Origin(String scheme, String host, int port) {

    /** Parses {@code scheme://host[:port]}; null for anything else (a path, userinfo, an opaque origin). */
    static Origin parse(String value) {
      try {
        URI uri = new URI(value.strip());
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
            || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
          return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
        return port < 0 ? null : new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
      } catch (Exception e) {
        return null;
      }
    }

    private static int defaultPort(String scheme) {
      return switch (scheme) {
        case "http", "ws" -> 80;
        case "https", "wss" -> 443;
        default -> -1;
      };
    }
  }

  /**
   * True when {@code Origin} is one of {@code allowed} (e.g. {@code https://chat.example.com}), or, with none
   * configured, the origin the request was sent to: {@code scheme} ({@code http} or {@code https}, as the
   * hub received it) and the {@code Host} header.
   */
  public static boolean allowed(MultiMap headers, List<String> allowed, String scheme) {
    String value = headers.get("Origin");
    if (value == null || value.isBlank() || value.equals("null")) {
      return false;
    }
    Origin origin = Origin.parse(value);
    if (origin == null) {
      return false;
    }
    if (!allowed.isEmpty()) {
      return allowed.stream().map(Origin::parse).anyMatch(origin::equals);
    }
    String host = headers.get("Host");
    return host != null && !host.isBlank() && origin.equals(Origin.parse(scheme + "://" + host.strip()));
  }
}
