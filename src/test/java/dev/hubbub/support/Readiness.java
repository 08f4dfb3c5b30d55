package dev.hubbub.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Polls a hub's {@code /health/ready} (its answer is cached for a second) until it answers a status. */
public final class Readiness {

  private Readiness() {
  }

  /** The first answer with {@code status}; fails on any answer but 200 or 503, or after {@code seconds}. */
  public static HttpResponse<Buffer> await(WebClient web, int port, int status, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      HttpResponse<Buffer> ready = web.get(port, "127.0.0.1", "/health/ready").send().await(seconds, TimeUnit.SECONDS);
      if (ready.statusCode() == status) {
        return ready;
      }
      assertTrue(ready.statusCode() == 200 || ready.statusCode() == 503, ready.bodyAsString());
      assertTrue(System.nanoTime() < deadline, "readiness never answered " + status + ": " + ready.bodyAsString());
    }
  }
}
