package dev.hubbub.bridge;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class FeedEventTest {

  @Test
  void eachEncodingIsComputedOnceHoweverManySessionsAskForIt() {
    FeedEvent event = new FeedEvent(new JsonObject().put("type", "chat").put("seq", 7).put("text", "hi"));
    AtomicInteger htmlCalls = new AtomicInteger();
    AtomicInteger jsonCalls = new AtomicInteger();
    FeedEvent.Encoding<String> html = e -> "<li>" + htmlCalls.incrementAndGet() + "</li>";
    FeedEvent.Encoding<String> json = e -> "data: " + jsonCalls.incrementAndGet() + e.text();

    String first = event.encoded(html);
    for (int session = 0; session < 100; session++) {
      assertSame(first, event.encoded(html));
      event.encoded(json);
    }
    assertEquals(1, htmlCalls.get());
    assertEquals(1, jsonCalls.get());
    assertSame(event.text(), event.text());
  }
}
