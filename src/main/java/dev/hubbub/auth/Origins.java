package dev.hubbub.auth;

import io.vertx.core.MultiMap;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Whether a request that authenticates with the cookie comes from a page we trust. Browsers attach cookies
 * to cross-site WebSocket handshakes (SameSite=Strict aside, e.g. older browsers), and WebSockets ignore
 * CORS, so the {@code Origin} header is the check. Without configured origins, the page must come from the
 * host the request was sent to.
 */
public final class Origins {

  private Origins() {
  }

  /** True when {@code Origin} is one of {@code allowed} (exact, e.g. {@code https://chat.example.com}), or the Host's own. */
  public static boolean allowed(MultiMap headers, List<String> allowed) {
    String origin = headers.get("Origin");
    if (origin == null || origin.isBlank() || origin.equals("null")) {
      return false;
    }
    if (!allowed.isEmpty()) {
      return allowed.stream().anyMatch(a -> a.equalsIgnoreCase(origin.strip()));
    }
    String host = headers.get("Host");
    if (host == null) {
      return false;
    }
    try {
      URI uri = new URI(origin.strip());
      String authority = uri.getRawAuthority();
      return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.strip().toLowerCase(Locale.ROOT));
    } catch (Exception e) {
      return false;
    }
  }
}
