package dev.hubbub.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

@ExtendWith(VertxExtension.class)
class FeedEventTest {

  private static final RoomEvent CHAT = new RoomEvent.Chat("r", "ann", "hi", 1000, 7, "m1", false);

  @Test
  void eachFormIsBuiltOnceHoweverManyThreadsAskForIt() throws Exception {
    FeedEvent event = new FeedEvent(CHAT);
    AtomicInteger builds = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Buffer>> readers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        readers.add(() -> event.form(FeedEvent.Form.SSE_JSON, e -> {
          builds.incrementAndGet();
          return Buffer.buffer("data: ").appendBuffer(e.json());
        }));
      }
      List<Buffer> results = new ArrayList<>();
      for (Future<Buffer> f : pool.invokeAll(readers, 10, TimeUnit.SECONDS)) {
        results.add(f.get());
      }
      assertEquals(1, builds.get(), "built once per node");
      results.forEach(r -> assertSame(results.get(0), r, "every caller gets the same bytes"));
      assertSame(event.json(), event.json(), "the JSON bytes too");
      assertEquals("data: " + CHAT.toJson().encode(), results.get(0).toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLocalCodecPassesTheSameInstanceAndTheWireCarriesTheJson(Vertx vertx, VertxTestContext ctx) {
    FeedEventCodec.register(vertx);
    FeedEventCodec.register(vertx); // a second registration is harmless
    FeedEvent sent = new FeedEvent(CHAT);
    AtomicInteger got = new AtomicInteger();
    Runnable both = () -> {
      if (got.incrementAndGet() == 2) {
        ctx.completeNow();
      }
    };
    vertx.eventBus().<FeedEvent>consumer("feed-test", msg -> ctx.verify(() -> {
      assertSame(sent, msg.body(), "no copy on the local bus");
      both.run();
    }));
    vertx.eventBus().<FeedEvent>consumer("feed-test", msg -> ctx.verify(() -> {
      assertSame(sent, msg.body(), "every consumer shares the one event");
      both.run();
    })).completion().onSuccess(v -> vertx.eventBus().publish("feed-test", sent));

    FeedEventCodec codec = new FeedEventCodec();
    Buffer wire = Buffer.buffer("xx");
    codec.encodeToWire(wire, sent);
    FeedEvent received = codec.decodeFromWire(2, wire);
    assertEquals(CHAT, received.event());
    assertEquals(sent.json().toString(), received.json().toString(), "the cluster carries the event's JSON");
  }
}
