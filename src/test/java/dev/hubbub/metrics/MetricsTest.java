package dev.hubbub.metrics;

import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.Flood;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} in the Prometheus text format: every meter the README lists is there from the start, and
 * each moves when what it counts happens. The hub's meters live in one registry per process, so the
 * assertions compare before and after rather than absolute values.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsTest {

  private static final long WAIT_SECONDS = 60;

  @Test
  void everyMeterIsExposedFromTheStart(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx));
    HttpResponse<Buffer> response = await(WebClient.create(vertx).get(hub.port, "127.0.0.1", "/metrics").send());
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"), response.getHeader("Content-Type"));
    String text = response.bodyAsString();
    for (String meter : List.of("hubbub_connections{transport=\"ws\"}", "hubbub_connections{transport=\"sse\"}",
        "hubbub_connections{transport=\"sockjs\"}", "hubbub_connections{transport=\"tcp\"}",
        "hubbub_messages_in_total{transport=\"ws\"}", "hubbub_messages_out_total{transport=\"ws\"}",
        "hubbub_deliveries_total", "hubbub_slow_consumer_disconnects_total", "hubbub_rate_limit_hits_total",
        "hubbub_connection_limit_hits_total", "hubbub_commit_batch_size_count", "hubbub_commit_latency_seconds_count",
        "hubbub_event_loop_lag_seconds_count", "jvm_memory_used_bytes{area=\"heap\"", "jvm_gc_", "jvm_threads_live_threads")) {
      assertTrue(text.contains(meter), meter + " in\n" + text);
    }
  }

  @Test
  void connectionsMessagesDeliveriesAndCommitsMove(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx));
    WebClient web = WebClient.create(vertx);
    String before = scrape(web, hub.port);

    WsTestClient ws = await(WsTestClient.live(vertx, hub.port, "metered", "alice"));
    SseTestClient sse = await(SseTestClient.connect(vertx, hub.port, "/rooms/metered/events?format=json"));
    await(sse.expect("roster"));
    String connected = awaitScrape(web, hub.port, "hubbub_connections{transport=\"sse\"}",
        v -> v >= value(before, "hubbub_connections{transport=\"sse\"}") + 1);
    assertEquals(value(before, "hubbub_connections{transport=\"ws\"}") + 1, value(connected, "hubbub_connections{transport=\"ws\"}"));

    await(ws.chat("counted"));
    await(sse.skipTo("chat"));
    String after = scrape(web, hub.port);
    assertTrue(grew(before, after, "hubbub_messages_in_total{transport=\"ws\"}", 2), "join and chat frames are counted");
    assertTrue(grew(before, after, "hubbub_messages_out_total{transport=\"ws\"}", 2), "welcome, ack and the chat itself");
    assertTrue(grew(before, after, "hubbub_messages_out_total{transport=\"sse\"}", 2), "roster and chat records");
    assertTrue(grew(before, after, "hubbub_deliveries_total", 2), "the chat reached both subscribers");
    assertTrue(grew(before, after, "hubbub_commit_batch_size_count", 1), "the chat was committed");
    assertTrue(grew(before, after, "hubbub_commit_latency_seconds_count", 1));
    awaitScrape(web, hub.port, "hubbub_event_loop_lag_seconds_count", v -> v >= value(before, "hubbub_event_loop_lag_seconds_count") + 1);

    await(ws.close());
    awaitScrape(web, hub.port, "hubbub_connections{transport=\"ws\"}", v -> v == value(connected, "hubbub_connections{transport=\"ws\"}") - 1);
  }

  @Test
  void bridgeConnectionsAndFramesAreCountedPerTransport(Vertx vertx) throws Exception {
    TestHub hub = await(TestHub.start(vertx));
    WebClient web = WebClient.create(vertx);
    String before = scrape(web, hub.port);
    for (String transport : List.of("tcp", "sockjs")) {
      BusTestClient bus = await(transport.equals("tcp") ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port));
      String open = "hubbub_connections{transport=\"" + transport + "\"}";
      awaitScrape(web, hub.port, open, v -> v >= value(before, open) + 1);
      bus.request("hubbub.cmd.chat", new JsonObject().put("room", "bridged").put("username", "b").put("text", "hi"));
      await(bus.next()); // the ack
      String after = scrape(web, hub.port);
      assertTrue(grew(before, after, "hubbub_messages_in_total{transport=\"" + transport + "\"}", 1), transport);
      assertTrue(grew(before, after, "hubbub_messages_out_total{transport=\"" + transport + "\"}", 1), transport);
    }
  }

  @Test
  void aSlowConsumerDisconnectIsCounted(Vertx vertx) throws Exception {
    int messages = Flood.messagesToOverflowKernelBuffers();
    TestHub hub = await(TestHub.start(vertx, Flood.slowConsumerHub(messages)));
    WebClient web = WebClient.create(vertx);
    double before = value(scrape(web, hub.port), "hubbub_slow_consumer_disconnects_total");
    SseTestClient stalled = await(SseTestClient.connect(vertx, new HttpClientOptions().setReceiveBufferSize(4096), hub.port,
        "/rooms/slow/events?format=json", null));
    await(stalled.expect("roster"));
    stalled.pause();
    await(Flood.post(web, hub.port, "slow", messages));
    awaitScrape(web, hub.port, "hubbub_slow_consumer_disconnects_total", v -> v >= before + 1);
  }

  @Test
  void metricsCanBeTurnedOffOrMovedToTheirOwnPort(Vertx vertx) throws Exception {
    WebClient web = WebClient.create(vertx);
    TestHub off = await(TestHub.start(vertx, new JsonObject().put("metrics", new JsonObject().put("enabled", false))));
    assertEquals(404, await(web.get(off.port, "127.0.0.1", "/metrics").send()).statusCode());
    await(off.stop(vertx));

    int metricsPort = TestHub.freePort();
    TestHub own = await(TestHub.start(vertx, new JsonObject().put("metrics", new JsonObject().put("port", metricsPort))));
    assertEquals(404, await(web.get(own.port, "127.0.0.1", "/metrics").send()).statusCode());
    HttpResponse<Buffer> scraped = await(web.get(metricsPort, "127.0.0.1", "/metrics").send());
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.bodyAsString().contains("hubbub_connections{transport=\"ws\"}"));
  }

  @Test
  void aHubOnTheLaunchersVertxAlsoExposesVertxMetrics() throws Exception {
    Vertx metered = VertxMetricsSetup.create(new MetricsSettings(true, 0));
    try {
      TestHub hub = await(TestHub.start(metered));
      WebClient web = WebClient.create(metered);
      scrape(web, hub.port); // the first request opens the connection counted below
      String text = scrape(web, hub.port);
      assertTrue(text.contains("vertx_http_server_active_connections"), text);
      assertTrue(text.contains("vertx_eventbus_handlers"), text);
    } finally {
      metered.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static String scrape(WebClient web, int port) throws Exception {
    HttpResponse<Buffer> response = await(web.get(port, "127.0.0.1", "/metrics").send());
    assertEquals(200, response.statusCode());
    return response.bodyAsString();
  }

  /** Scrapes until {@code meter} passes {@code test} (the hub counts on other threads than this test's). */
  private static String awaitScrape(WebClient web, int port, String meter, DoublePredicate test) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    String text = scrape(web, port);
    while (!test.test(value(text, meter))) {
      assertTrue(System.nanoTime() < deadline, meter + " never got there: " + value(text, meter));
      Thread.onSpinWait();
      text = scrape(web, port);
    }
    return text;
  }

  private static boolean grew(String before, String after, String meter, double by) {
    return value(after, meter) >= value(before, meter) + by;
  }

  /** The value of the sample named exactly {@code meter} (name plus labels as rendered). */
  static double value(String text, String meter) {
    Matcher m = Pattern.compile("^" + Pattern.quote(meter) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + meter);
    }
    return Double.parseDouble(m.group(1));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
