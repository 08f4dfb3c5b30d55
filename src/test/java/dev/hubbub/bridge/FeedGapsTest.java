package dev.hubbub.bridge;

import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gap rule with a fake database: what one fan-out delivers, in which order. */
class FeedGapsTest {

  private final List<String> delivered = new ArrayList<>();
  private final List<Long> asked = new ArrayList<>();
  private Promise<List<JsonObject>> pending;

  private final FeedGaps gaps = new FeedGaps((room, since) -> {
    asked.add(since);
    pending = Promise.promise();
    return pending.future();
  }, true);

  private void feed(JsonObject event) {
    gaps.accept("r", typed(event), (e, backfilled) -> delivered.add(e.type() + (e.seq() == 0 ? "" : e.seq())
        + (backfilled ? "(db)" : "")));
  }

  private static FeedEvent typed(JsonObject event) {
    return new FeedEvent(RoomEvent.fromJson(event));
  }

  private static JsonObject chat(long seq) {
    return Events.chat("r", "u", "t" + seq, 0, seq, "id" + seq);
  }

  private static List<JsonObject> stored(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(FeedGapsTest::chat).toList();
  }

  @Test
  void aJumpIsFilledFromTheDatabaseBeforeLaterEvents() {
    feed(chat(1));
    feed(chat(2));
    feed(chat(5));
    feed(Events.joined("r", "x"));
    feed(chat(6));
    assertEquals(List.of("chat1", "chat2"), delivered, "held while the gap is read");
    assertEquals(List.of(2L), asked);
    pending.complete(stored(3, 6));
    assertEquals(List.of("chat1", "chat2", "chat3(db)", "chat4(db)", "chat5", "joined", "chat6"), delivered);
  }

  @Test
  void lateAndRepeatedEventsAreDroppedOnce() {
    feed(chat(1));
    feed(chat(3));
    pending.complete(stored(2, 3));
    feed(chat(2)); // the old owner's publication, overtaken by the new owner's
    feed(chat(3));
    feed(chat(4));
    assertEquals(List.of("chat1", "chat2(db)", "chat3", "chat4"), delivered);
  }

  @Test
  void aGapTheDatabaseCannotFillIsSteppedOverAfterOneTry() {
    feed(chat(1));
    feed(chat(4));
    pending.fail("database down");
    feed(chat(5));
    assertEquals(List.of("chat1", "chat4", "chat5"), delivered);
  }

  @Test
  void aSingleHubPassesEverythingThrough() {
    FeedGaps single = new FeedGaps((room, since) -> Future.failedFuture("never asked"), false);
    List<Long> seen = new ArrayList<>();
    for (long seq : new long[] {1, 3, 2, 2}) {
      single.accept("r", typed(chat(seq)), (e, backfilled) -> seen.add(e.seq()));
    }
    assertEquals(List.of(1L, 3L, 2L, 2L), seen);
  }
}
