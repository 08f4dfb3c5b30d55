package dev.hubbub.store;

import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link HistoryStore} contract, run against every implementation by a subclass that says how to
 * open one. Each test works in rooms of its own, so a shared database (PostgreSQL) needs no cleaning.
 */
@ExtendWith(VertxExtension.class)
abstract class HistoryStoreContract {

  protected HistoryStore store;
  private String room;
  private String otherRoom;

  /** Opens a ready store (schema migrated) for one test. */
  protected abstract Future<HistoryStore> open(Vertx vertx);

  @BeforeEach
  void openStore(Vertx vertx, VertxTestContext ctx) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    room = "room-" + run;
    otherRoom = "other-" + run;
    open(vertx).onComplete(ctx.succeeding(s -> {
      store = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext ctx) {
    store.close().onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject chat(String room, long seq, String user, String text) {
    return Events.chat(room, user, text, 1_700_000_000_000L + seq, seq, UUID.randomUUID().toString());
  }

  /** The rows to append for events written as JSON, with their {@code cid} and {@link HistoryStore#AUTHOR} fields. */
  private static List<EventRow> rows(JsonObject... events) {
    return Arrays.stream(events).map(e -> new EventRow((RoomEvent.Persisted) RoomEvent.fromJson(e), e.getString("cid"),
        e.getString(HistoryStore.AUTHOR))).toList();
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  private static List<String> texts(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("text")).toList();
  }

  /** The sequencer's fence relies on telling a unique-key refusal from any other failure. */
  private HistoryStore conflict(VertxTestContext ctx, Throwable e) {
    ctx.verify(() -> assertTrue(AppendConflict.is(e), "not recognised as a unique-key conflict: " + e));
    return store;
  }

  @Test
  void anEmptyRoomHasHeadZeroAndNoEvents(VertxTestContext ctx) {
    store.head(room)
        .compose(head -> {
          assertEquals(0L, head);
          return store.latest(room, 10);
        })
        .compose(latest -> {
          assertTrue(latest.isEmpty());
          return store.after(room, 0, 10);
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertTrue(after.isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void aRoomsEpochIsCreatedWithItsFirstEventAndNeverChanges(VertxTestContext ctx) {
    String[] first = new String[1];
    store.epoch(room)
        .compose(none -> {
          assertNull(none, "no history, no epoch");
          return store.append(rows(chat(room, 1, "ann", "one"), chat(otherRoom, 1, "bob", "other")));
        })
        .compose(v -> store.epoch(room))
        .compose(epoch -> {
          assertTrue(epoch != null && epoch.matches("[A-Za-z0-9_-]{1,64}"), "a URL-safe epoch: " + epoch);
          first[0] = epoch;
          return store.append(rows(chat(room, 2, "ann", "two")));
        })
        .compose(v -> store.epoch(room))
        .compose(epoch -> {
          assertEquals(first[0], epoch, "later events keep the epoch");
          return store.epoch(otherRoom);
        })
        .onComplete(ctx.succeeding(other -> ctx.verify(() -> {
          assertTrue(other != null && !other.equals(first[0]), "each room has its own epoch");
          ctx.completeNow();
        })));
  }

  @Test
  void appendedEventsReadBackInSeqOrderExactlyAsAppended(VertxTestContext ctx) {
    JsonObject first = chat(room, 1, "ann", "one");
    JsonObject second = chat(room, 2, "bob", "two");
    JsonObject third = chat(room, 3, "ann", "three");
    store.append(rows(first, second))
        .compose(v -> store.append(rows(third)))
        .compose(v -> store.head(room))
        .compose(head -> {
          assertEquals(3L, head);
          return store.after(room, 0, 10);
        })
        .compose(all -> {
          assertEquals(List.of(first, second, third), all);
          return store.after(room, 1, 1);
        })
        .compose(page -> {
          assertEquals(List.of(second), page);
          return store.latest(room, 2);
        })
        .onComplete(ctx.succeeding(latest -> ctx.verify(() -> {
          assertEquals(List.of(second, third), latest, "the latest two, oldest first");
          ctx.completeNow();
        })));
  }

  @Test
  void roomsHaveTheirOwnSequences(VertxTestContext ctx) {
    store.append(rows(chat(room, 1, "ann", "a1"), chat(otherRoom, 1, "ann", "b1"), chat(room, 2, "ann", "a2")))
        .compose(v -> Future.all(store.head(room), store.head(otherRoom), store.after(otherRoom, 0, 10)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(2L, all.<Long>resultAt(0));
          assertEquals(1L, all.<Long>resultAt(1));
          assertEquals(List.of("b1"), texts(all.resultAt(2)));
          ctx.completeNow();
        })));
  }

  @Test
  void anAppendReusingASeqFailsWholeAndStoresNothing(VertxTestContext ctx) {
    store.append(rows(chat(room, 1, "ann", "kept")))
        .compose(v -> store.append(rows(chat(room, 2, "ann", "would be fine"), chat(room, 1, "ann", "clash"))))
        .onComplete(ctx.failing(e -> conflict(ctx, e).after(room, 0, 10).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(List.of("kept"), texts(all), "atomic: the batch's good event was not stored either");
          ctx.completeNow();
        })))));
  }

  @Test
  void aCidIsFoundAgainButNeverReturnedInReads(VertxTestContext ctx) {
    JsonObject sent = chat(room, 1, "ann", "with cid");
    CidKey key = new CidKey(room, "ann", "c-1");
    store.append(rows(sent.copy().put("cid", "c-1"), chat(room, 2, "bob", "no cid")))
        .compose(v -> store.chatsByCid(Set.of(key, new CidKey(room, "bob", "c-1"), new CidKey(otherRoom, "ann", "c-1"),
            new CidKey(room, "ann", "c-2"))))
        .compose(found -> {
          assertEquals(Map.of(key, sent), found, "only the same user, room and cid match");
          return store.after(room, 0, 10);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertFalse(all.get(0).containsKey("cid"));
          ctx.completeNow();
        })));
  }

  @Test
  void anAuthorIsKeptForTheOwnershipCheckButReturnedByNoOtherRead(VertxTestContext ctx) {
    JsonObject mine = chat(room, 1, "ann", "mine");
    JsonObject guests = Events.byGuest(true, chat(room, 2, "gus", "a guest's"));
    String id = mine.getString("id");
    JsonObject edit = Events.edited(room, id, "ann", "still mine", 1_700_000_000_500L, 3);
    store.append(rows(mine.copy().put(HistoryStore.AUTHOR, "account-1"), guests, edit.copy().put(HistoryStore.AUTHOR, "account-1")))
        .compose(v -> Future.all(store.message(room, id), store.message(room, guests.getString("id"))))
        .compose(both -> {
          assertEquals(mine.copy().put("text", "still mine").put("edited", true).put(HistoryStore.AUTHOR, "account-1"), both.resultAt(0));
          assertEquals(guests, both.resultAt(1), "a guest's message has no author");
          return Future.all(store.after(room, 0, 10), store.latest(room, 10), store.messages(new MessageQuery(room, null, null, 10, null)));
        })
        .onComplete(ctx.succeeding(reads -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            List<JsonObject> events = reads.resultAt(i);
            assertFalse(events.isEmpty());
            events.forEach(e -> assertFalse(e.containsKey(HistoryStore.AUTHOR), e.encode()));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void aRepeatedCidFromTheSameUserAndRoomIsRejected(VertxTestContext ctx) {
    store.append(rows(chat(room, 1, "ann", "first").put("cid", "same"),
            chat(room, 2, "bob", "other user").put("cid", "same"),
            chat(otherRoom, 1, "ann", "other room").put("cid", "same")))
        .compose(v -> store.append(rows(chat(room, 3, "ann", "retry").put("cid", "same"))))
        .onComplete(ctx.failing(e -> conflict(ctx, e).after(room, 0, 10).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(List.of("first", "other user"), texts(all));
          ctx.completeNow();
        })))));
  }

  @Test
  void anEditChangesTheMessageInPlaceAndIsAnEventOfItsOwn(VertxTestContext ctx) {
    JsonObject original = chat(room, 1, "ann", "tpyo");
    String id = original.getString("id");
    JsonObject edit = Events.edited(room, id, "ann", "typo", 1_700_000_000_500L, 2);
    store.append(rows(original))
        .compose(v -> store.append(rows(edit)))
        .compose(v -> store.message(room, id))
        .compose(message -> {
          assertEquals(original.copy().put("text", "typo").put("edited", true), message);
          return store.after(room, 0, 10);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(List.of(original.copy().put("text", "typo").put("edited", true), edit), all);
          ctx.completeNow();
        })));
  }

  @Test
  void aDeletionBlanksTheMessageAndItsEdits(VertxTestContext ctx) {
    JsonObject original = chat(room, 1, "ann", "secret");
    String id = original.getString("id");
    JsonObject edit = Events.edited(room, id, "ann", "more secret", 1_700_000_000_500L, 2);
    JsonObject deletion = Events.deleted(room, id, "ann", 1_700_000_000_600L, 3);
    store.append(rows(original, edit, deletion))
        .compose(v -> store.message(room, id))
        .compose(message -> {
          assertEquals(original.copy().put("text", "").put("edited", true).put("deleted", true), message);
          return store.after(room, 0, 10);
        })
        .compose(all -> {
          assertEquals(List.of(1L, 2L, 3L), seqs(all));
          assertEquals(List.of("", ""), texts(all.subList(0, 2)), "no copy of the text is left");
          assertEquals(deletion, all.get(2));
          return store.messages(new MessageQuery(room, null, null, 10, "secret"));
        })
        .onComplete(ctx.succeeding(found -> ctx.verify(() -> {
          assertTrue(found.isEmpty(), "deleted messages are not found by search");
          ctx.completeNow();
        })));
  }

  @Test
  void messageIsNullForAnUnknownIdOrAnotherRoom(VertxTestContext ctx) {
    JsonObject original = chat(room, 1, "ann", "here");
    store.append(rows(original))
        .compose(v -> Future.all(store.message(room, "no-such-id"), store.message(otherRoom, original.getString("id"))))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertNull(both.resultAt(0));
          assertNull(both.resultAt(1));
          ctx.completeNow();
        })));
  }

  @Test
  void messagesPageForwardsAndBackwardsOverChatsOnly(VertxTestContext ctx) {
    JsonObject m1 = chat(room, 1, "ann", "m1");
    JsonObject m2 = chat(room, 2, "ann", "m2");
    JsonObject edit = Events.edited(room, m1.getString("id"), "ann", "m1 edited", 1L, 3);
    JsonObject m4 = chat(room, 4, "bob", "m4");
    JsonObject m5 = chat(room, 5, "bob", "m5");
    store.append(rows(m1, m2, edit, m4, m5))
        .compose(v -> store.messages(new MessageQuery(room, null, null, 3, null)))
        .compose(latest -> {
          assertEquals(List.of(2L, 4L, 5L), seqs(latest), "the latest chats, oldest first, without the edit event");
          return store.messages(new MessageQuery(room, null, 4L, 10, null));
        })
        .compose(before -> {
          assertEquals(List.of("m1 edited", "m2"), texts(before), "current state, before seq 4");
          assertEquals(true, before.get(0).getBoolean("edited"));
          return store.messages(new MessageQuery(room, 1L, null, 2, null));
        })
        .compose(after -> {
          assertEquals(List.of(2L, 4L), seqs(after));
          return store.messages(new MessageQuery(room, 1L, 5L, 10, null));
        })
        .compose(between -> {
          assertEquals(List.of(2L, 4L), seqs(between), "both bounds are exclusive");
          return store.messages(new MessageQuery(room, 5L, null, 10, null));
        })
        .onComplete(ctx.succeeding(none -> ctx.verify(() -> {
          assertTrue(none.isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void searchIgnoresCaseAndTakesWildcardsLiterally(VertxTestContext ctx) {
    store.append(rows(
            chat(room, 1, "ann", "Hello World"),
            chat(room, 2, "ann", "say HELLO"),
            chat(room, 3, "ann", "goodbye"),
            chat(room, 4, "ann", "100% sure"),
            chat(room, 5, "ann", "100 percent"),
            chat(room, 6, "ann", "snake_case"),
            chat(room, 7, "ann", "snakeXcase"),
            chat(otherRoom, 1, "ann", "hello from elsewhere")))
        .compose(v -> store.messages(new MessageQuery(room, null, null, 10, "hello")))
        .compose(hello -> {
          assertEquals(List.of("Hello World", "say HELLO"), texts(hello));
          return store.messages(new MessageQuery(room, null, null, 10, "0%"));
        })
        .compose(percent -> {
          assertEquals(List.of("100% sure"), texts(percent));
          return store.messages(new MessageQuery(room, null, null, 10, "e_c"));
        })
        .compose(underscore -> {
          assertEquals(List.of("snake_case"), texts(underscore));
          return store.messages(new MessageQuery(room, 1L, null, 1, "hello"));
        })
        .onComplete(ctx.succeeding(paged -> ctx.verify(() -> {
          assertEquals(List.of("say HELLO"), texts(paged), "search pages like a listing");
          ctx.completeNow();
        })));
  }

  @Test
  void textIsStoredExactly(VertxTestContext ctx) {
    String text = "<b>\"quotes\" & 'apostrophes'</b> \\ ünïcödé 🎉 " + "x".repeat(3000);
    JsonObject sent = chat(room, 1, "ann", text);
    store.append(rows(sent))
        .compose(v -> store.latest(room, 1))
        .onComplete(ctx.succeeding(latest -> ctx.verify(() -> {
          assertEquals(List.of(sent), latest);
          ctx.completeNow();
        })));
  }
}
