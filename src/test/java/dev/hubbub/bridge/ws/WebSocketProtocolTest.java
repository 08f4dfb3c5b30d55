package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed-004 conversation, frame by frame, against a real hub. */
@ExtendWith(VertxExtension.class)
class WebSocketProtocolTest {

  private TestHub hub;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  static JsonObject join(String room, String username) {
    return new JsonObject().put("type", "join").put("room", room).put("username", username);
  }

  static JsonObject chat(String text) {
    return new JsonObject().put("type", "chat").put("text", text);
  }

  static List<Object> users(JsonObject frame) {
    return frame.getJsonArray("users").getList();
  }

  @Test
  void twoClientsChatAndSeeEachOtherComeAndGo(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.connect(vertx, hub.port)
        .compose(alice -> {
          c[0] = alice;
          alice.send(join("general", "alice"));
          return alice.expect("welcome");
        })
        .compose(welcome -> {
          assertEquals(new JsonObject().put("type", "welcome").put("room", "general").put("username", "alice")
              .put("users", new JsonArray().add("alice")), welcome);
          return c[0].expect("history");
        })
        .compose(history -> {
          assertEquals(0, history.getJsonArray("messages").size());
          return c[0].expect("joined");
        })
        .compose(joined -> {
          assertEquals("alice", joined.getString("username"));
          return c[0].expect("roster");
        })
        .compose(roster -> {
          assertEquals(List.of("alice"), users(roster));
          return WsTestClient.connect(vertx, hub.port);
        })
        .compose(bob -> {
          c[1] = bob;
          bob.send(join("general", "bob"));
          return bob.expect("welcome");
        })
        .compose(welcome -> {
          assertEquals(List.of("alice", "bob"), users(welcome));
          return c[1].expect("history");
        })
        .compose(h -> c[1].expect("joined"))
        .compose(joined -> {
          assertEquals("bob", joined.getString("username"));
          return c[1].expect("roster");
        })
        .compose(roster -> {
          assertEquals(List.of("alice", "bob"), users(roster));
          return c[0].expect("joined");
        })
        .compose(joined -> {
          assertEquals("bob", joined.getString("username"));
          return c[0].expect("roster");
        })
        .compose(roster -> {
          assertEquals(List.of("alice", "bob"), users(roster));
          c[0].send(chat("hi bob!"));
          return Future.all(c[0].expect("chat"), c[1].expect("chat"));
        })
        .compose(both -> {
          JsonObject seenByAlice = both.resultAt(0);
          JsonObject seenByBob = both.resultAt(1);
          assertEquals(seenByAlice, seenByBob);
          assertEquals("general", seenByBob.getString("room"));
          assertEquals("alice", seenByBob.getString("username"));
          assertEquals("hi bob!", seenByBob.getString("text"));
          assertEquals(true, seenByBob.getBoolean("guest"));
          assertEquals(1L, seenByBob.getLong("seq"));
          assertNotNull(seenByBob.getString("id"));
          assertTrue(Math.abs(System.currentTimeMillis() - seenByBob.getLong("ts")) < 60_000);
          c[1].send(chat("hey alice"));
          return Future.all(c[0].expect("chat"), c[1].expect("chat"));
        })
        .compose(both -> {
          JsonObject seenByAlice = both.resultAt(0);
          assertEquals("bob", seenByAlice.getString("username"));
          assertEquals("hey alice", seenByAlice.getString("text"));
          assertEquals(2L, seenByAlice.getLong("seq"));
          return c[1].close();
        })
        .compose(v -> c[0].expect("left"))
        .compose(left -> {
          // Nobody here logged in: the hub admits guests, and their events say so.
          assertEquals(new JsonObject().put("type", "left").put("room", "general").put("username", "bob").put("guest", true), left);
          return c[0].expect("roster");
        })
        .onComplete(ctx.succeeding(roster -> ctx.verify(() -> {
          assertEquals(List.of("alice"), users(roster));
          ctx.completeNow();
        })));
  }

  @Test
  void roomsAreIsolated(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.joined(vertx, hub.port, "rust", "ferris")
        .compose(ferris -> {
          c[0] = ferris;
          return ferris.skipTo("roster");
        })
        .compose(r -> WsTestClient.joined(vertx, hub.port, "node", "nodey"))
        .compose(nodey -> {
          c[1] = nodey;
          return nodey.skipTo("roster");
        })
        .compose(r -> {
          c[0].send(chat("rust-only message"));
          return c[0].expect("chat");
        })
        .compose(own -> {
          c[1].send(chat("node-only message"));
          return c[1].expect("chat");
        })
        .onComplete(ctx.succeeding(own -> ctx.verify(() -> {
          assertEquals("node-only message", own.getString("text"));
          assertEquals(1L, own.getLong("seq"), "each room has its own sequence");
          // Had the rust message crossed over, it would have been nodey's next frame instead.
          assertEquals(0, c[1].buffered());
          assertEquals(0, c[0].buffered());
          ctx.completeNow();
        })));
  }

  @Test
  void aTakenUsernameIsRefusedAndTheRosterStaysTrue(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.joined(vertx, hub.port, "general", "alice")
        .compose(alice -> {
          c[0] = alice;
          return alice.skipTo("roster");
        })
        .compose(r -> WsTestClient.connect(vertx, hub.port))
        .compose(second -> {
          c[1] = second;
          second.send(join("general", "alice"));
          return second.expect("error");
        })
        .compose(error -> {
          assertEquals("username 'alice' is already taken in room 'general'", error.getString("message"));
          c[1].send(join("general", "alice2"));
          return c[1].expect("welcome");
        })
        .compose(welcome -> {
          assertEquals(List.of("alice", "alice2"), users(welcome));
          return c[0].skipTo("roster");
        })
        .onComplete(ctx.succeeding(roster -> ctx.verify(() -> {
          assertEquals(List.of("alice", "alice2"), users(roster));
          ctx.completeNow();
        })));
  }

  @Test
  void joiningAnotherRoomSwitchesRooms(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.joined(vertx, hub.port, "a", "watcher")
        .compose(watcher -> {
          c[0] = watcher;
          return watcher.skipTo("roster");
        })
        .compose(r -> WsTestClient.joined(vertx, hub.port, "a", "mover"))
        .compose(mover -> {
          c[1] = mover;
          return c[0].skipTo("roster");
        })
        .compose(r -> {
          c[1].send(join("b", "mover"));
          return c[1].skipTo("welcome");
        })
        .compose(welcome -> {
          assertEquals("b", welcome.getString("room"));
          assertEquals(List.of("mover"), users(welcome));
          // Once b's history is in, the mover's own messages come back live.
          return c[1].expect("history").compose(h -> c[0].expect("left"));
        })
        .compose(left -> {
          assertEquals("mover", left.getString("username"));
          return c[0].expect("roster");
        })
        .compose(roster -> {
          assertEquals(List.of("watcher"), users(roster));
          c[1].send(chat("only in b"));
          return c[1].skipTo("chat");
        })
        .onComplete(ctx.succeeding(msg -> ctx.verify(() -> {
          assertEquals("b", msg.getString("room"));
          assertEquals(0, c[0].buffered(), "the old room hears nothing from b");
          ctx.completeNow();
        })));
  }

  @Test
  void leaveKeepsTheSocketOpenAndTellsTheOthers(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.joined(vertx, hub.port, "general", "stay")
        .compose(stay -> {
          c[0] = stay;
          return stay.skipTo("roster");
        })
        .compose(r -> WsTestClient.joined(vertx, hub.port, "general", "go"))
        .compose(go -> {
          c[1] = go;
          return c[0].skipTo("roster");
        })
        .compose(r -> c[1].skipTo("roster"))
        .compose(r -> {
          c[1].send(new JsonObject().put("type", "leave"));
          return c[1].expect("left");
        })
        .compose(left -> {
          assertEquals("go", left.getString("username"));
          return c[0].expect("left");
        })
        .compose(left -> c[0].expect("roster"))
        .compose(roster -> {
          assertEquals(List.of("stay"), users(roster));
          c[1].send(chat("am I still here?"));
          return c[1].expect("error");
        })
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertEquals("join a room before chatting", error.getString("message"));
          ctx.completeNow();
        })));
  }

  @Test
  void framesSentBeforeTheWelcomeAreHandledAfterIt(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.connect(vertx, hub.port)
        .compose(client -> {
          client.send(join("eager", "quick")).send(chat("right away"));
          // The chat is stored while the history is read, so it arrives in one or the other, never both.
          return client.expect("welcome").compose(w -> client.expect("history")).compose(history -> {
            JsonArray replayed = history.getJsonArray("messages");
            return replayed.isEmpty() ? client.skipTo("chat") : Future.succeededFuture(replayed.getJsonObject(0));
          });
        })
        .onComplete(ctx.succeeding(msg -> ctx.verify(() -> {
          assertEquals("right away", msg.getString("text"));
          ctx.completeNow();
        })));
  }
}
