package dev.hubbub.store;

import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link LatestReads} keeps, shares and forgets, over a store whose reads the test answers. */
class LatestReadsTest {

  /** Reads wait in {@link #reads} until the test answers them; the room's events are {@code 1..head}. */
  private static final class HeldStore implements HistoryStore {
    final List<Promise<Void>> reads = new ArrayList<>();
    int head;
    /** The text every event carries. */
    String text = "";

    @Override
    public Future<String> epoch(String room) {
      return held().map(v -> head == 0 ? null : "e1");
    }

    @Override
    public Future<List<JsonObject>> latest(String room, int limit) {
      int from = Math.max(1, head - limit + 1);
      int upTo = head;
      return held().map(v -> IntStream.rangeClosed(from, upTo).mapToObj(seq -> new JsonObject().put("seq", seq).put("text", text)).toList());
    }

    private Future<Void> held() {
      Promise<Void> read = Promise.promise();
      reads.add(read);
      return read.future();
    }

    /** Answers every read waiting, and those they start. */
    void answerAll() {
      while (!reads.isEmpty()) {
        reads.remove(0).complete();
      }
    }

    @Override
    public Future<Void> append(List<EventRow> rows) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Long> head(String room) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<JsonObject>> after(String room, long after, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<JsonObject> message(String room, String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<JsonObject>> messages(MessageQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private final HeldStore db = new HeldStore();
  private final LatestReads store = new LatestReads(db);

  private static List<Long> seqs(Future<List<JsonObject>> read) {
    assertTrue(read.succeeded(), "read not answered");
    return read.result().stream().map(e -> e.getLong("seq")).toList();
  }

  @Test
  void aRoomIsReadOnceUntilItChanges() {
    db.head = 3;
    Future<List<JsonObject>> first = store.latest("r", 50);
    db.answerAll();
    assertEquals(List.of(1L, 2L, 3L), seqs(first));
    assertEquals(List.of(2L, 3L), seqs(store.latest("r", 2)), "a smaller page of what was read");
    assertEquals("e1", store.epoch("r").result());
    assertTrue(db.reads.isEmpty(), "kept reads go nowhere near the database");

    db.head = 4;
    store.changed("r");
    Future<List<JsonObject>> after = store.latest("r", 50);
    db.answerAll();
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(after));
  }

  @Test
  void concurrentReadsOfARoomShareOneQuery() {
    db.head = 2;
    Future<List<JsonObject>> a = store.latest("r", 50);
    Future<List<JsonObject>> b = store.latest("r", 50);
    Future<String> epoch = store.epoch("r");
    assertEquals(1, db.reads.size(), "one query in flight: the epoch, then the events");
    db.answerAll();
    assertEquals(List.of(1L, 2L), seqs(a));
    assertEquals(List.of(1L, 2L), seqs(b));
    assertEquals("e1", epoch.result());
  }

  @Test
  void aReadInFlightWhenItsRoomChangesIsNeitherKeptNorShared() {
    db.head = 1;
    Future<List<JsonObject>> stale = store.latest("r", 50);
    db.head = 2;
    store.changed("r");
    Future<List<JsonObject>> fresh = store.latest("r", 50);
    db.answerAll();
    assertEquals(List.of(1L, 2L), seqs(fresh), "the read after the change sees the new event");
    Future<List<JsonObject>> again = store.latest("r", 50);
    db.answerAll();
    assertEquals(List.of(1L, 2L), seqs(again));
    assertTrue(stale.succeeded());
  }

  @Test
  void moreThanWasReadIsReadAgainUnlessTheRoomHasNoMore() {
    db.head = 10;
    store.latest("r", 3);
    db.answerAll();
    Future<List<JsonObject>> more = store.latest("r", 5);
    assertEquals(1, db.reads.size(), "five of a room with more than three: read again");
    db.answerAll();
    assertEquals(List.of(6L, 7L, 8L, 9L, 10L), seqs(more));

    db.head = 2;
    store.latest("small", 3);
    db.answerAll();
    assertEquals(List.of(1L, 2L), seqs(store.latest("small", 50)), "a room with fewer than asked has no more");
  }

  @Test
  void itsOwnAppendsForgetTheirRooms() {
    db.head = 1;
    store.latest("r", 50);
    db.answerAll();
    Future<Void> appended = store.append(List.of(new EventRow(new RoomEvent.Chat("r", "ann", "hi", 1, 2, "m2", false), null, null)));
    assertTrue(appended.succeeded());
    db.head = 2;
    Future<List<JsonObject>> after = store.latest("r", 50);
    db.answerAll();
    assertEquals(List.of(1L, 2L), seqs(after));
  }

  @Test
  void atMostSoManyRoomsAreKept() {
    db.head = 1;
    for (int room = 0; room <= LatestReads.ROOMS; room++) {
      store.latest("r" + room, 50);
      db.answerAll();
    }
    store.latest("r" + LatestReads.ROOMS, 50);
    assertTrue(db.reads.isEmpty(), "the latest room is kept");
    store.latest("r0", 50);
    assertEquals(1, db.reads.size(), "the least recently read room was let go");
  }

  @Test
  void atMostSoManyBytesAreKept() {
    db.head = 2;
    db.text = "x".repeat(100_000); // two events of about 200 KB each a room
    int rooms = (int) (LatestReads.BYTES / 400_000) + 10;
    for (int room = 0; room < rooms; room++) {
      store.latest("big" + room, 50);
      db.answerAll();
    }
    store.latest("big" + (rooms - 1), 50);
    assertTrue(db.reads.isEmpty(), "the latest room is kept");
    store.latest("big0", 50);
    assertEquals(1, db.reads.size(), "the rooms read first were let go to stay within the byte budget");
    db.answerAll();

    db.text = "x".repeat((int) (LatestReads.BYTES / 2));
    store.latest("huge", 50);
    db.answerAll();
    store.latest("huge", 50);
    assertEquals(1, db.reads.size(), "a room heavier than the whole budget is never kept");
  }
}
