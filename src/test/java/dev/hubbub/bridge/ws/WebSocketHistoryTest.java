package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durable history over the WebSocket: resume with since, truncation, acks and cids, edit and delete. */
@ExtendWith(VertxExtension.class)
class WebSocketHistoryTest {

  static JsonObject join(String room, String username, long since) {
    return new JsonObject().put("type", "join").put("room", room).put("username", username).put("since", since);
  }

  static JsonObject chat(String text, String cid) {
    return new JsonObject().put("type", "chat").put("text", text).put("cid", cid);
  }

  static JsonObject edit(String id, String text, String cid) {
    return new JsonObject().put("type", "edit").put("id", id).put("text", text).put("cid", cid);
  }

  static JsonObject delete(String id, String cid) {
    return new JsonObject().put("type", "delete").put("id", id).put("cid", cid);
  }

  /** Sends a write with a cid and completes with its ack (skipping the feed's echo and presence frames). */
  static Future<JsonObject> acked(WsTestClient client, JsonObject frame) {
    client.send(frame);
    return client.skipTo("ack").compose(ack -> {
      assertEquals(frame.getString("cid"), ack.getString("cid"));
      return Future.succeededFuture(ack);
    });
  }

  static List<Long> seqs(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
  }

  @Test
  void aClientResumingWithSinceGetsExactlyWhatItMissedThenLiveEvents(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[3];
    String[] ids = new String[3];
    TestHub.start(vertx)
        .compose(hub -> WsTestClient.joined(vertx, hub.port, "resume", "reader")
            .compose(reader -> {
              c[0] = reader;
              return reader.skipTo("roster");
            })
            .compose(r -> WsTestClient.joined(vertx, hub.port, "resume", "writer"))
            .compose(writer -> {
              c[1] = writer;
              return acked(writer, chat("m1", "c1"));
            })
            .compose(ack -> c[0].skipTo("chat"))
            .compose(m1 -> {
              assertEquals(1L, m1.getLong("seq"));
              return c[0].close();
            })
            .compose(v -> acked(c[1], chat("m2", "c2")))
            .compose(ack -> {
              ids[1] = ack.getString("id");
              return acked(c[1], chat("m3", "c3"));
            })
            .compose(ack -> {
              ids[2] = ack.getString("id");
              return acked(c[1], edit(ids[1], "m2 fixed", "e1"));
            })
            .compose(ack -> {
              assertEquals(ids[1], ack.getString("id"), "an edit's ack names the message");
              assertEquals(4L, ack.getLong("seq"), "and carries the edit's own seq");
              return acked(c[1], delete(ids[2], "d1"));
            })
            .compose(ack -> {
              assertEquals(5L, ack.getLong("seq"));
              return WsTestClient.connect(vertx, hub.port);
            }))
        .compose(back -> {
          c[2] = back;
          back.send(join("resume", "reader", 1));
          return back.expect("welcome").compose(w -> back.expect("history"));
        })
        .compose(history -> {
          JsonArray messages = history.getJsonArray("messages");
          assertEquals(List.of(2L, 3L, 4L, 5L), seqs(messages), "exactly the events after since=1");
          assertFalse(history.getBoolean("truncated"));
          JsonObject m2 = messages.getJsonObject(0);
          assertEquals("m2 fixed", m2.getString("text"), "a replayed chat is in its current state");
          assertEquals(true, m2.getBoolean("edited"));
          JsonObject m3 = messages.getJsonObject(1);
          assertEquals(true, m3.getBoolean("deleted"));
          assertEquals("", m3.getString("text"), "a deleted message's text is not replayed");
          assertEquals("edited", messages.getJsonObject(2).getString("type"));
          assertEquals(ids[1], messages.getJsonObject(2).getString("id"));
          assertEquals("deleted", messages.getJsonObject(3).getString("type"));
          assertEquals(ids[2], messages.getJsonObject(3).getString("id"));
          return acked(c[1], chat("m6", "c6"));
        })
        .compose(ack -> c[2].skipTo("chat"))
        .onComplete(ctx.succeeding(live -> ctx.verify(() -> {
          assertEquals(6L, live.getLong("seq"), "live continues right after the replay, nothing repeated");
          assertEquals("m6", live.getString("text"));
          ctx.completeNow();
        })));
  }

  @Test
  void aResumeMissingMoreThanTheCapIsTruncatedAndPagedOverRest(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    TestHub[] hub = new TestHub[1];
    WsTestClient[] c = new WsTestClient[2];
    TestHub.start(vertx, new JsonObject().put("history", new JsonObject().put("resumeLimit", 3)))
        .compose(h -> {
          hub[0] = h;
          return WsTestClient.joined(vertx, h.port, "busy", "writer");
        })
        .compose(writer -> {
          c[0] = writer;
          Future<JsonObject> sent = Future.succeededFuture();
          for (int i = 1; i <= 7; i++) {
            String n = String.valueOf(i);
            sent = sent.compose(x -> acked(writer, chat("m" + n, "c" + n)));
          }
          return sent;
        })
        .compose(last -> {
          assertEquals(7L, last.getLong("seq"));
          return WsTestClient.connect(vertx, hub[0].port);
        })
        .compose(reader -> {
          c[1] = reader;
          reader.send(join("busy", "reader", 1));
          return reader.expect("welcome").compose(w -> reader.expect("history"));
        })
        .compose(history -> {
          assertEquals(List.of(5L, 6L, 7L), seqs(history.getJsonArray("messages")), "the latest, up to the cap");
          assertTrue(history.getBoolean("truncated"));
          return http.get(hub[0].port, "127.0.0.1", "/api/rooms/busy/messages?after=1&before=5").send();
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertEquals(200, page.statusCode());
          assertEquals(List.of(2L, 3L, 4L), seqs(page.bodyAsJsonObject().getJsonArray("messages")), "the gap, from REST");
          ctx.completeNow();
        })));
  }

  @Test
  void aSinceBeyondTheRoomsHistoryStartsOverInsteadOfDroppingNewEvents(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    TestHub.start(vertx)
        .compose(hub -> WsTestClient.joined(vertx, hub.port, "fresh", "writer")
            .compose(writer -> {
              c[0] = writer;
              return acked(writer, chat("only one", "c1"));
            })
            .compose(ack -> WsTestClient.connect(vertx, hub.port)))
        .compose(stale -> {
          c[1] = stale;
          stale.send(join("fresh", "stale", 100));
          return stale.expect("welcome").compose(w -> stale.expect("history"));
        })
        .compose(history -> {
          assertTrue(history.getBoolean("truncated"));
          assertEquals(List.of(1L), seqs(history.getJsonArray("messages")));
          return acked(c[0], chat("next", "c2"));
        })
        .compose(ack -> c[1].skipTo("chat"))
        .onComplete(ctx.succeeding(live -> ctx.verify(() -> {
          assertEquals(2L, live.getLong("seq"), "seq 2 < since 100 is still delivered");
          ctx.completeNow();
        })));
  }

  @Test
  void aRepeatedCidIsAcknowledgedAgainAndStoredOnce(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    TestHub[] hub = new TestHub[1];
    WsTestClient[] c = new WsTestClient[1];
    JsonObject[] first = new JsonObject[1];
    TestHub.start(vertx)
        .compose(h -> {
          hub[0] = h;
          return WsTestClient.joined(vertx, h.port, "retry", "sender");
        })
        .compose(sender -> {
          c[0] = sender;
          // Back to back, so the retry is likely in the same batch as the original.
          sender.send(chat("once", "same")).send(chat("once", "same"));
          return sender.skipTo("ack").compose(a -> sender.skipTo("ack").map(b -> List.of(a, b)));
        })
        .compose(acks -> {
          first[0] = acks.get(0);
          assertEquals(first[0], acks.get(1), "the same ack for both");
          // Much later: the original is found in the store.
          return acked(c[0], chat("once, retried", "same"));
        })
        .compose(late -> {
          assertEquals(first[0], late);
          return acked(c[0], chat("another", "other"));
        })
        .compose(other -> {
          assertEquals(first[0].getLong("seq") + 1, other.getLong("seq"), "retries took no seq");
          return http.get(hub[0].port, "127.0.0.1", "/api/rooms/retry/messages").send();
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          JsonArray messages = page.bodyAsJsonObject().getJsonArray("messages");
          assertEquals(2, messages.size());
          assertEquals("once", messages.getJsonObject(0).getString("text"));
          ctx.completeNow();
        })));
  }

  @Test
  void onlyTheAuthorMayEditOrDeleteAMessage(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    String[] id = new String[1];
    TestHub.start(vertx)
        .compose(hub -> WsTestClient.joined(vertx, hub.port, "own", "alice")
            .compose(alice -> {
              c[0] = alice;
              return WsTestClient.joined(vertx, hub.port, "own", "bob");
            }))
        .compose(bob -> {
          c[1] = bob;
          return acked(c[0], chat("alice's words", "a1"));
        })
        .compose(ack -> {
          id[0] = ack.getString("id");
          c[1].send(edit(id[0], "bob was here", "b1"));
          return c[1].skipTo("error");
        })
        .compose(error -> {
          assertEquals("you can only edit your own messages", error.getString("message"));
          assertEquals("b1", error.getString("cid"));
          c[1].send(delete(id[0], "b2"));
          return c[1].skipTo("error");
        })
        .compose(error -> {
          assertEquals("you can only delete your own messages", error.getString("message"));
          c[0].send(edit(id[0], "alice's better words", "a2"));
          return c[1].skipTo("edited");
        })
        .compose(edited -> {
          assertEquals(id[0], edited.getString("id"));
          assertEquals("alice's better words", edited.getString("text"));
          assertEquals("alice", edited.getString("username"));
          assertEquals(2L, edited.getLong("seq"), "bob's refused attempts took no seq");
          c[0].send(delete(id[0], "a3"));
          return c[1].skipTo("deleted");
        })
        .compose(deleted -> {
          assertEquals(id[0], deleted.getString("id"));
          assertEquals(3L, deleted.getLong("seq"));
          c[0].send(edit(id[0], "too late", "a4"));
          return c[0].skipTo("error");
        })
        .compose(error -> {
          assertEquals("message was deleted", error.getString("message"));
          c[0].send(edit("no-such-id", "x", "a5"));
          return c[0].skipTo("error");
        })
        .compose(error -> {
          assertEquals("no message 'no-such-id' in room 'own'", error.getString("message"));
          c[0].send(new JsonObject().put("type", "edit").put("text", "no id"));
          return c[0].skipTo("error");
        })
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertEquals("missing field 'id'", error.getString("message"));
          ctx.completeNow();
        })));
  }
}
