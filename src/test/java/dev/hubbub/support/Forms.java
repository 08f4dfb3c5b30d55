package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * Form posts as a browser makes them: the page is fetched first, which hands out a CSRF token as the
 * {@code XSRF-TOKEN} cookie, and the post sends it back as the cookie and as the {@code X-XSRF-TOKEN} field.
 */
public final class Forms {

  public static final String CSRF_COOKIE = "XSRF-TOKEN";
  public static final String CSRF_FIELD = "X-XSRF-TOKEN";

  private Forms() {
  }

  /** GETs {@code page} (with {@code cookies}, may be null) and returns the CSRF token it issued. */
  public static Future<String> csrfToken(WebClient web, int port, String page, String cookies) {
    HttpRequest<Buffer> get = web.get(port, "127.0.0.1", page);
    if (cookies != null) {
      get.putHeader("Cookie", cookies);
    }
    return get.send().compose(r -> {
      String token = cookie(r, CSRF_COOKIE);
      return token == null ? Future.failedFuture(new AssertionError(page + " issued no CSRF token: " + r.statusCode()))
          : Future.succeededFuture(token);
    });
  }

  /** Posts {@code form} to {@code path} with the token of {@code page}; {@code cookies} (e.g. the login) may be null. */
  public static Future<HttpResponse<Buffer>> post(WebClient web, int port, String page, String path, MultiMap form, String cookies,
                                                  boolean htmx) {
    return csrfToken(web, port, page, cookies).compose(token -> {
      HttpRequest<Buffer> post = web.post(port, "127.0.0.1", path)
          .putHeader("Cookie", (cookies == null ? "" : cookies + "; ") + CSRF_COOKIE + "=" + token);
      if (htmx) {
        post.putHeader("HX-Request", "true");
      }
      return post.sendForm(MultiMap.caseInsensitiveMultiMap().addAll(form).add(CSRF_FIELD, token));
    });
  }

  /** The value of the cookie {@code name} that {@code response} sets, or null. */
  public static String cookie(HttpResponse<?> response, String name) {
    for (String set : response.cookies()) {
      if (set.startsWith(name + "=")) {
        return set.substring(name.length() + 1).split(";")[0];
      }
    }
    return null;
  }

  /** The whole Set-Cookie line for {@code name}, or null. */
  public static String setCookie(HttpResponse<?> response, String name) {
    return response.cookies().stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
  }
}
