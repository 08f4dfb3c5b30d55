package dev.hubbub.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedEventTest {

  private static final JsonObject CHAT = new JsonObject().put("type", "chat").put("seq", 7).put("text", "hi");

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void eachEncodingIsComputedOnceHoweverManySessionsAskForIt() {
    FeedEvent event = new FeedEvent(CHAT.copy());
    AtomicInteger htmlCalls = new AtomicInteger();
    AtomicInteger jsonCalls = new AtomicInteger();
    FeedEvent.Encoding<String> html = FeedEvent.Encoding.of("html", e -> "<li>" + htmlCalls.incrementAndGet() + "</li>");
    FeedEvent.Encoding<String> json = FeedEvent.Encoding.of("record", e -> "data: " + jsonCalls.incrementAndGet() + e.text());

    String first = event.encoded(html);
    for (int session = 0; session < 100; session++) {
      assertSame(first, event.encoded(html));
      event.encoded(json);
    }
    assertEquals(1, htmlCalls.get());
    assertEquals(1, jsonCalls.get());
    assertSame(event.text(), event.text());
  }

  @Test
  void bridgeInstancesOfANodeShareOneEncodingOfAPublication() throws Exception {
    SharedEncodings shared = SharedEncodings.of(vertx);
    assertSame(shared, SharedEncodings.of(vertx), "one cache per node");
    AtomicInteger calls = new AtomicInteger();
    FeedEvent.Encoding<String> record = FeedEvent.Encoding.of("record", e -> "data: " + calls.incrementAndGet() + " " + e.text());

    // Four instances on four threads, each with its own copy of the event as the bus delivers it.
    ExecutorService loops = Executors.newFixedThreadPool(4);
    try {
      List<Callable<String>> instances = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        instances.add(() -> new FeedEvent(CHAT.copy(), "node-1:42", shared).encoded(record));
      }
      List<String> encoded = new ArrayList<>();
      for (Future<String> result : loops.invokeAll(instances)) {
        encoded.add(result.get());
      }
      assertEquals(1, calls.get(), "encoded once for the node");
      encoded.forEach(e -> assertSame(encoded.get(0), e));
    } finally {
      loops.shutdownNow();
    }

    String other = new FeedEvent(CHAT.copy(), "node-1:43", shared).encoded(record);
    assertEquals(2, calls.get(), "another publication is encoded afresh");
    assertNotSame(other, new FeedEvent(CHAT.copy()).encoded(record), "a local event shares nothing");
  }

  @Test
  void theSharedCacheForgetsTheOldestEncodingsBeyondItsCapacity() {
    SharedEncodings shared = SharedEncodings.of(vertx);
    FeedEvent.Encoding<String> record = FeedEvent.Encoding.of("record", FeedEvent::text);
    for (int i = 0; i < 3 * SharedEncodings.CAPACITY; i++) {
      new FeedEvent(CHAT.copy().put("seq", i), "node-1:" + i, shared).encoded(record);
    }
    assertTrue(shared.size() <= SharedEncodings.CAPACITY, "bounded: " + shared.size());
  }
}
