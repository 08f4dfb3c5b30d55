package dev.hubbub.web;

import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The htmx room page counts its watchers (open event streams on the room), who are not room members: the
 * first paint shows the count, {@code GET /rooms/{room}/watchers} answers the fragment htmx polls, and the
 * count follows streams opening and closing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WatcherCountTest {

  private static final long WAIT_SECONDS = 60;

  @Test
  void thePageCountsItsWatchers(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx));
    WebClient web = WebClient.create(vertx);
    assertEquals(0, watchers(web, hub, "watched"));
    String page = await(web.get(hub.port, "127.0.0.1", "/rooms/watched").send()).bodyAsString();
    assertTrue(page.contains("id=\"watchers\"") && page.contains("hx-get=\"/rooms/watched/watchers\""), page);
    assertTrue(page.contains("data-count=\"0\""), page);

    SseTestClient first = await(SseTestClient.connect(vertx, hub.port, "/rooms/watched/events"));
    SseTestClient second = await(SseTestClient.connect(vertx, hub.port, "/rooms/watched/events?format=json"));
    await(SseTestClient.connect(vertx, hub.port, "/rooms/elsewhere/events"));
    awaitCount(web, hub, 2);
    page = await(web.get(hub.port, "127.0.0.1", "/rooms/watched").send()).bodyAsString();
    assertTrue(page.contains("data-count=\"2\""), page);

    await(second.close());
    awaitCount(web, hub, 1);
    await(first.close());
    awaitCount(web, hub, 0);
    assertEquals(400, await(web.get(hub.port, "127.0.0.1", "/rooms/bad%20name/watchers").send()).statusCode());
  }

  private static void awaitCount(WebClient web, TestHub hub, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    int count;
    while ((count = watchers(web, hub, "watched")) != expected) {
      assertTrue(System.nanoTime() < deadline, "the count stayed " + count + ", expected " + expected);
    }
  }

  /** The number in the polled fragment. */
  private static int watchers(WebClient web, TestHub hub, String room) throws Exception {
    String fragment = await(web.get(hub.port, "127.0.0.1", "/rooms/" + room + "/watchers").send()).bodyAsString();
    int at = fragment.indexOf("data-count=\"");
    assertTrue(at >= 0 && fragment.contains("watching"), fragment);
    return Integer.parseInt(fragment.substring(at + 12, fragment.indexOf('"', at + 12)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
