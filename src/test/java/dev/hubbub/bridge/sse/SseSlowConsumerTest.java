package dev.hubbub.bridge.sse;

import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.support.Flood;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream that stops reading is cut off, and its client resumes from history with nothing lost. */
@ExtendWith(VertxExtension.class)
class SseSlowConsumerTest {

  static final int MESSAGES = Flood.messagesToOverflowKernelBuffers();

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx, Flood.slowConsumerHub(MESSAGES))
        .onComplete(ctx.succeeding(h -> {
          hub = h;
          ctx.completeNow();
        }));
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // a flood may outlast the default 30 s on a slow machine
  @Test
  void aStalledStreamIsClosedAndResumesAfterItsLastEventId(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] sse = new SseTestClient[2];
    List<Long> seen = new ArrayList<>();
    SseTestClient.connect(vertx, new HttpClientOptions().setReceiveBufferSize(4096), hub.port, "/rooms/slow/events?format=json", null)
        .compose(client -> {
          sse[0] = client;
          return client.expect("roster");
        })
        .compose(r -> {
          sse[0].pause();
          Future<JsonObject> cut = StatsProbe.await(vertx, s -> StatsProbe.connections(s, ConnectionReporter.SSE) == 0, 45_000);
          return Flood.post(web, hub.port, "slow", MESSAGES).compose(v -> cut);
        })
        .compose(s -> {
          sse[0].resume();
          return drain(sse[0], seen);
        })
        .compose(v -> {
          assertTrue(seen.size() < MESSAGES, "the stream was cut before the end: " + seen.size());
          String last = String.valueOf(seen.isEmpty() ? 0 : seen.get(seen.size() - 1));
          return SseTestClient.connect(vertx, hub.port, "/rooms/slow/events?format=json",
              MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", last));
        })
        .compose(again -> {
          sse[1] = again;
          return again.expect("roster").compose(r -> drainUntil(again, seen, MESSAGES));
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          Flood.assertAllOnceInOrder(seen, MESSAGES);
          ctx.completeNow();
        })));
  }

  /** Once the stream has ended: the chat ids it delivered before the cut. */
  private static Future<Void> drain(SseTestClient client, List<Long> seen) {
    return client.ended().map(v -> {
      client.drain().stream().filter(e -> "chat".equals(e.event())).forEach(e -> seen.add(Long.parseLong(e.id())));
      return null;
    });
  }

  private static Future<Void> drainUntil(SseTestClient client, List<Long> seen, int count) {
    if (seen.size() >= count) {
      return Future.succeededFuture();
    }
    return client.next().compose(e -> {
      if ("chat".equals(e.event())) {
        seen.add(Long.parseLong(e.id()));
      }
      return drainUntil(client, seen, count);
    });
  }
}
