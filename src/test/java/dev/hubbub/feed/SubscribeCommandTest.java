package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.TempDb;
import dev.hubbub.support.TestHub;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Addresses#SUBSCRIBE} on the bus, as a bridge (or a polyglot client) sends it: the access verdict,
 * the join or the roster, and the history exactly as {@link Addresses#HISTORY} answers the same fields,
 * in one reply; refusals keep {@link Addresses#JOIN}'s and {@link Addresses#ACCESS}'s codes and join nothing.
 */
@ExtendWith(VertxExtension.class)
class SubscribeCommandTest {

  private static final Identity ANN = Identity.guest("ann");
  private static final Identity BOB = Identity.guest("bob");

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void aJoinIsWelcomedWithTheRosterAsJoinedAndTheHistoryThenAnnounced(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    Promise<Void> announced = Promise.promise();
    MessageConsumer<Object> feed = bus.consumer(Addresses.roomFeed("hall"), msg -> {
      if (msg.body() instanceof FeedEvent event && event.event() instanceof RoomEvent.Joined joined && joined.username().equals("bob")) {
        announced.tryComplete();
      }
    });
    feed.completion()
        .compose(x -> TestHub.start(vertx))
        .compose(hub -> posts(bus, "hall", 3))
        .compose(v -> request(bus, Addresses.JOIN, ANN.into(new JsonObject().put("room", "hall").put("session", "s-ann"))))
        .compose(v -> request(bus, Addresses.SUBSCRIBE, join(BOB, "hall", "s-bob")))
        .compose(reply -> request(bus, Addresses.HISTORY, BOB.into(new JsonObject().put("room", "hall"))).map(history -> {
          ctx.verify(() -> {
            assertEquals("hall", reply.getString("room"));
            assertEquals(true, reply.getBoolean("read"));
            assertEquals(true, reply.getBoolean("write"));
            assertEquals(false, reply.getBoolean("private"));
            assertEquals("bob", reply.getString("username"));
            assertEquals(new JsonArray().add("ann").add("bob"), reply.getJsonArray("users"), "the roster as joined");
            assertSameHistory(history, reply);
            assertEquals(3, reply.getJsonArray("messages").size());
          });
          return null;
        }))
        // Published after the reply, as a plain join's.
        .compose(v -> announced.future())
        .compose(v -> feed.unregister())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void aWatcherGetsTheCurrentRosterAndJoinsNothing(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    TestHub.start(vertx)
        .compose(hub -> posts(bus, "porch", 2))
        .compose(v -> request(bus, Addresses.JOIN, ANN.into(new JsonObject().put("room", "porch").put("session", "s-ann"))))
        .compose(v -> request(bus, Addresses.SUBSCRIBE, BOB.into(new JsonObject().put("room", "porch"))))
        .compose(watched -> request(bus, Addresses.SUBSCRIBE, Identity.guest(null).into(new JsonObject().put("room", "porch").put("join", false)))
            .map(nameless -> List.of(watched, nameless)))
        .compose(replies -> request(bus, Addresses.ROSTER, new JsonObject().put("room", "porch")).map(roster -> {
          ctx.verify(() -> {
            for (JsonObject reply : replies) {
              assertEquals(new JsonArray().add("ann"), reply.getJsonArray("users"), "the roster as it is");
              assertFalse(reply.containsKey("username"), "a watcher is nobody in the room");
              assertEquals(2, reply.getJsonArray("messages").size());
            }
            assertEquals(new JsonArray().add("ann"), roster.getJsonArray("users"), "nobody joined by watching");
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void resumesAndTruncatesExactlyAsHistoryDoes(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    // A resume cap of 3: a gap of more is answered with the latest 3, truncated.
    TestHub.start(vertx, new JsonObject().put("history", new JsonObject().put("resumeLimit", 3).put("replayLimit", 4)))
        .compose(hub -> request(bus, Addresses.SUBSCRIBE, join(ANN, "empty", "s-empty")))
        .compose(empty -> {
          ctx.verify(() -> {
            assertEquals(new JsonArray(), empty.getJsonArray("messages"), "a room without history is empty");
            assertEquals("", empty.getString("epoch"));
            assertEquals(false, empty.getBoolean("truncated"));
          });
          return posts(bus, "deck", 6);
        })
        .compose(v -> request(bus, Addresses.HISTORY, ANN.into(new JsonObject().put("room", "deck"))))
        .compose(latest -> {
          String epoch = latest.getString("epoch");
          List<JsonObject> cases = List.of(
              new JsonObject(),                                               // the latest (replayLimit 4)
              new JsonObject().put("limit", 0),                               // the epoch only
              new JsonObject().put("limit", 2),                               // the latest 2
              new JsonObject().put("since", 4).put("epoch", epoch),           // a resume: 5 and 6
              new JsonObject().put("since", 6),                               // nothing missed
              new JsonObject().put("since", 1),                               // a gap wider than the cap: truncated
              new JsonObject().put("since", 9),                               // beyond the head: truncated
              new JsonObject().put("since", 4).put("epoch", "another-epoch")); // another history: truncated
          Future<Void> all = Future.succeededFuture();
          int n = 0;
          for (JsonObject fields : cases) {
            String session = "u" + (n++);
            all = all.compose(v -> request(bus, Addresses.HISTORY, ANN.into(fields.copy().put("room", "deck")))
                .compose(history -> request(bus, Addresses.SUBSCRIBE, join(Identity.guest(session), "deck", session).mergeIn(fields))
                    .map(reply -> {
                      ctx.verify(() -> assertSameHistory(history, reply));
                      return null;
                    })));
          }
          return all.map(epoch);
        })
        .compose(epoch -> request(bus, Addresses.SUBSCRIBE, ANN.into(new JsonObject().put("room", "deck").put("since", 1)))
            .map(gap -> {
              ctx.verify(() -> {
                assertEquals(true, gap.getBoolean("truncated"));
                assertEquals(List.of(4L, 5L, 6L), seqs(gap), "the latest, up to the resume cap");
                assertEquals(epoch, gap.getString("epoch"));
              });
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void refusalsKeepTheirCodesAndJoinNothing(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    WebClient web = WebClient.create(vertx);
    TestHub[] hub = new TestHub[1];
    String[] root = new String[1];
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("admins", "root")))
        .compose(h -> {
          hub[0] = h;
          return Accounts.register(web, h.port, "root");
        })
        .compose(admin -> {
          root[0] = admin.getString("token");
          return request(bus, Addresses.JOIN, ANN.into(new JsonObject().put("room", "yard").put("session", "s-ann")));
        })
        // A name taken: 409, as a plain join says it.
        .compose(v -> refused(bus, join(ANN, "yard", "s-other")))
        .compose(e -> refused(bus, Addresses.JOIN, ANN.into(new JsonObject().put("room", "yard").put("session", "s-other")))
            .map(plain -> {
              ctx.verify(() -> {
                assertEquals(Failure.CONFLICT, e.failureCode());
                assertEquals(plain.getMessage(), e.getMessage());
              });
              return null;
            }))
        // Bad fields: 400, nothing joined.
        .compose(v -> refused(bus, join(BOB, "yard", "s-bob").put("since", -1)))
        .compose(e -> {
          ctx.verify(() -> assertEquals(Failure.BAD_REQUEST, e.failureCode(), e.getMessage()));
          return refused(bus, join(BOB, "yard", "s-bob").put("join", "yes"));
        })
        .compose(e -> {
          ctx.verify(() -> assertEquals(Failure.BAD_REQUEST, e.failureCode(), e.getMessage()));
          return refused(bus, join(BOB, "yard", "s-bob").put("epoch", "not an epoch!"));
        })
        .compose(e -> {
          ctx.verify(() -> assertEquals(Failure.BAD_REQUEST, e.failureCode(), e.getMessage()));
          return refused(bus, BOB.into(new JsonObject().put("room", "yard").put("join", true))); // no session
        })
        .compose(e -> {
          ctx.verify(() -> assertEquals(Failure.BAD_REQUEST, e.failureCode(), e.getMessage()));
          return refused(bus, Identity.guest(null).into(new JsonObject().put("room", "yard").put("join", true).put("session", "s-x")));
        })
        .compose(e -> {
          ctx.verify(() -> assertEquals(Failure.BAD_REQUEST, e.failureCode(), "a join needs a name: " + e.getMessage()));
          // A members-only room: a guest may neither watch nor join it (403, the access verdict's reason).
          return web.put(hub[0].port, "127.0.0.1", "/api/rooms/yard/access").putHeader("Authorization", Accounts.bearer(root[0]))
              .sendJsonObject(new JsonObject().put("private", true).put("members", new JsonArray()))
              .compose(r -> r.statusCode() == 200 ? Future.succeededFuture() : Future.failedFuture("access: " + r.bodyAsString()));
        })
        .compose(v -> refused(bus, join(BOB, "yard", "s-bob")))
        .compose(joining -> refused(bus, BOB.into(new JsonObject().put("room", "yard"))).compose(watching ->
            request(bus, Addresses.ACCESS, BOB.into(new JsonObject().put("room", "yard"))).map(verdict -> {
              ctx.verify(() -> {
                assertEquals(Failure.FORBIDDEN, joining.failureCode());
                assertEquals(Failure.FORBIDDEN, watching.failureCode());
                assertEquals(verdict.getString("reason"), watching.getMessage(), "the access verdict's own reason");
              });
              return null;
            })))
        .compose(v -> request(bus, Addresses.ROSTER, Identity.BACKFILL.into(new JsonObject().put("room", "yard"))))
        .onComplete(ctx.succeeding(roster -> ctx.verify(() -> {
          assertEquals(new JsonArray().add("ann"), roster.getJsonArray("users"), "no refused subscribe joined anyone");
          ctx.completeNow();
        })));
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void withoutGuestsAGuestIsRefusedAs401(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("guests", false)))
        .compose(hub -> refused(bus, join(ANN, "hall", "s-ann")))
        .compose(joining -> refused(bus, ANN.into(new JsonObject().put("room", "hall")))
            .compose(watching -> refused(bus, Addresses.JOIN, ANN.into(new JsonObject().put("room", "hall").put("session", "s-ann")))
                .map(plain -> {
                  ctx.verify(() -> {
                    assertEquals(Failure.UNAUTHORIZED, joining.failureCode());
                    assertEquals(Failure.UNAUTHORIZED, watching.failureCode());
                    assertEquals(plain.getMessage(), joining.getMessage(), "the same refusal as a plain join");
                  });
                  return null;
                })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void aHistoryThatCannotBeReadIsSaidAndTheJoinStands(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    String url = TempDb.freshH2Url();
    TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", url)))
        .compose(hub -> posts(bus, "cellar", 1))
        // Once in and out: the pool holds a connection, and presence keeps bob's verdict (the accounts need no database then).
        .compose(v -> request(bus, Addresses.SUBSCRIBE, join(BOB, "cellar", "s-warm")))
        .compose(v -> request(bus, Addresses.LEAVE, new JsonObject().put("room", "cellar").put("session", "s-warm")))
        // The embedded database is shared by every connection in this JVM: closing it cuts the hub's pool.
        .compose(v -> vertx.executeBlocking(() -> {
          try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
            sql.execute("SHUTDOWN");
          }
          return null;
        }))
        // A resume: the room's latest events are kept in memory (store.LatestReads), what follows a seq is read.
        .compose(v -> request(bus, Addresses.SUBSCRIBE, join(BOB, "cellar", "s-bob").put("since", 0)))
        .compose(reply -> request(bus, Addresses.ROSTER, new JsonObject().put("room", "cellar")).map(roster -> {
          ctx.verify(() -> {
            JsonObject unread = reply.getJsonObject("historyError");
            assertTrue(unread != null && unread.getInteger("code") >= 500, "the read failed and says so: " + reply.encode());
            assertFalse(reply.containsKey("messages"), reply.encode());
            assertEquals(new JsonArray().add("bob"), reply.getJsonArray("users"));
            assertEquals(new JsonArray().add("bob"), roster.getJsonArray("users"), "the join stands");
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject join(Identity who, String room, String session) {
    return who.into(new JsonObject().put("room", room).put("join", true).put("session", session));
  }

  /** The subscribe reply carries the history reply's three fields, exactly. */
  private static void assertSameHistory(JsonObject history, JsonObject subscribed) {
    assertEquals(history.getJsonArray("messages"), subscribed.getJsonArray("messages"), "messages of " + history.encode());
    assertEquals(history.getBoolean("truncated"), subscribed.getBoolean("truncated"), "truncated of " + history.encode());
    assertEquals(history.getString("epoch"), subscribed.getString("epoch"), "epoch");
    assertFalse(subscribed.containsKey("historyError"));
  }

  private static List<Long> seqs(JsonObject reply) {
    List<Long> seqs = new ArrayList<>();
    reply.getJsonArray("messages").forEach(m -> seqs.add(((JsonObject) m).getLong("seq")));
    return seqs;
  }

  private static Future<Void> posts(EventBus bus, String room, int count) {
    Future<Void> all = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      String text = "m" + i;
      all = all.compose(v -> request(bus, Addresses.CHAT, Identity.guest("poster").into(new JsonObject().put("room", room).put("text", text))).mapEmpty());
    }
    return all;
  }

  private static Future<JsonObject> request(EventBus bus, String address, JsonObject body) {
    return bus.<JsonObject>request(address, body).map(Message::body);
  }

  private static Future<ReplyException> refused(EventBus bus, JsonObject body) {
    return refused(bus, Addresses.SUBSCRIBE, body);
  }

  private static Future<ReplyException> refused(EventBus bus, String address, JsonObject body) {
    return bus.request(address, body).transform(r -> r.succeeded()
        ? Future.failedFuture(new AssertionError(address + " should be refused: " + body.encode() + " answered " + r.result().body()))
        : Future.succeededFuture(assertInstanceOf(ReplyException.class, r.cause())));
  }
}
