package dev.hubbub.bridge;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every resume edge has an explicit answer on every transport (WebSocket {@code join} with {@code since},
 * SSE {@code Last-Event-ID} header and {@code ?lastEventId=}, SockJS and TCP registrations with
 * {@code since}): a point beyond the head or in another history epoch restarts from a fresh snapshot with
 * {@code truncated: true}, then live; bad values are refused with a clear error; a room without history
 * is an empty room. And a history replaced by one that already has {@code since} events is detected.
 */
@ExtendWith(VertxExtension.class)
class ResumeEdgesTest {

  private static final String RANGE = "a whole number from 0 to 9007199254740991";
  private static final List<String> TRANSPORTS = List.of("ws", "sse-header", "sse-query", "sockjs", "tcp");

  /** What a resume answered: the epoch it reports, whether it was truncated, and every chat seq until the live one. */
  private record Resumed(String epoch, boolean truncated, List<Long> seqs) {
  }

  private TestHub hub;
  private int names;

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse-header", "sse-query", "sockjs", "tcp"})
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void everyResumeEdgeHasAnExplicitAnswer(String transport, Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    String[] epoch = new String[1];
    TestHub.start(vertx).compose(h -> {
          hub = h;
          return posts(web, "zero", 3);
        })
        // since 0: everything from the beginning, then live.
        .compose(v -> resume(vertx, web, transport, "zero", 0L, null))
        .compose(r -> {
          assertEquals(new Resumed(r.epoch, false, List.of(1L, 2L, 3L, 4L)), r, transport + " since 0");
          assertTrue(r.epoch.matches("[A-Za-z0-9_-]{1,64}"), "an epoch is reported: " + r.epoch);
          epoch[0] = r.epoch;
          return posts(web, "beyond", 3);
        })
        // Beyond the head (the database was replaced by a shorter one): a fresh snapshot, truncated, then live.
        .compose(v -> resume(vertx, web, transport, "beyond", 10L, null))
        .compose(r -> {
          assertEquals(new Resumed(r.epoch, true, List.of(1L, 2L, 3L, 4L)), r, transport + " beyond the head");
          return posts(web, "huge-ok", 2);
        })
        // The largest accepted point is just far beyond the head.
        .compose(v -> resume(vertx, web, transport, "huge-ok", 9_007_199_254_740_991L, null))
        .compose(r -> {
          assertEquals(new Resumed(r.epoch, true, List.of(1L, 2L, 3L)), r, transport + " at the largest resume point");
          return resume(vertx, web, transport, "nothing-yet", 5L, null);
        })
        // A room that does not exist yet: empty, no epoch yet; beyond its (empty) head, so truncated.
        .compose(r -> {
          assertEquals(new Resumed("", true, List.of(1L)), r, transport + " resuming in a room without history");
          return resume(vertx, web, transport, "nothing-at-all", 0L, null);
        })
        .compose(r -> {
          assertEquals(new Resumed("", false, List.of(1L)), r, transport + " since 0 in a room without history");
          return posts(web, "epochs", 3);
        })
        // The same epoch resumes exactly; another one (a replaced history) restarts from a snapshot.
        .compose(v -> resume(vertx, web, transport, "epochs", 0L, null))
        .compose(r -> resume(vertx, web, transport, "epochs", 2L, r.epoch)
            .map(same -> {
              assertEquals(new Resumed(r.epoch, false, List.of(3L, 4L, 5L)), same, transport + " resume in the same epoch");
              return r.epoch;
            }))
        .compose(current -> resume(vertx, web, transport, "epochs", 2L, "another-epoch")
            .map(other -> {
              assertEquals(new Resumed(current, true, List.of(1L, 2L, 3L, 4L, 5L, 6L)), other, transport + " resume in another epoch");
              return null;
            }))
        // Refused: negative, fractional, non-numeric, too large, and a malformed epoch.
        .compose(v -> refused(vertx, web, transport, "refusals", -1, null, RANGE))
        .compose(v -> refused(vertx, web, transport, "refusals", "abc", null, RANGE))
        .compose(v -> refused(vertx, web, transport, "refusals", "9007199254740992", null, RANGE))
        .compose(v -> refused(vertx, web, transport, "refusals", "99999999999999999999999", null, RANGE))
        .compose(v -> transport.startsWith("sse") ? Future.succeededFuture()
            : refused(vertx, web, transport, "refusals", 1.5, null, RANGE))
        .compose(v -> refused(vertx, web, transport, "refusals", 1L, "not an epoch!", "must be a history epoch"))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The history is replaced by a new database that already holds more than {@code since} events: without
   * the epoch the resume would silently continue in a history it never saw. With it, every transport
   * restarts the client from a fresh snapshot with {@code truncated: true}, in the new epoch.
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aReplacedHistoryIsDetectedByItsEpochOnEveryTransport(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    List<String> oldEpochs = new ArrayList<>();
    Future<Void> steps = TestHub.start(vertx).map(h -> {
      hub = h;
      return null;
    });
    for (String transport : TRANSPORTS) {
      String room = "swap-" + transport;
      steps = steps.compose(v -> posts(web, room, 4))
          .compose(v -> resume(vertx, web, transport, room, 0L, null))
          .map(r -> {
            oldEpochs.add(r.epoch);
            return null;
          });
    }
    // A new, longer history of the same rooms: a fresh database.
    steps = steps.compose(v -> hub.stop(vertx)).compose(v -> TestHub.start(vertx)).map(h -> {
      hub = h;
      return null;
    });
    for (int i = 0; i < TRANSPORTS.size(); i++) {
      String transport = TRANSPORTS.get(i);
      String room = "swap-" + transport;
      int index = i;
      steps = steps.compose(v -> posts(web, room, 6))
          .compose(v -> resume(vertx, web, transport, room, 5L, oldEpochs.get(index)))
          .map(r -> {
            assertNotEquals(oldEpochs.get(index), r.epoch, transport + ": the new history has its own epoch");
            assertEquals(new Resumed(r.epoch, true, List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L)), r,
                transport + ": the replaced history restarts from a snapshot");
            return null;
          });
    }
    steps.onComplete(ctx.succeedingThenComplete());
  }

  /** Posts {@code count} chats to {@code room} over REST; completes when all are committed. */
  private Future<Void> posts(WebClient web, String room, int count) {
    Future<Void> all = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      String text = "m" + i;
      all = all.compose(v -> post(web, room, text));
    }
    return all;
  }

  private Future<Void> post(WebClient web, String room, String text) {
    return web.post(hub.port, "127.0.0.1", "/api/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("username", "poster").put("text", text))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture() : Future.failedFuture("post: " + r.statusCode() + " " + r.bodyAsString()));
  }

  /**
   * Resumes on {@code transport} after {@code since} in {@code epoch} (null: none sent), then posts a live
   * message: the answer lists every chat seq received, the live one last.
   */
  private Future<Resumed> resume(Vertx vertx, WebClient web, String transport, String room, Object since, String epoch) {
    String live = "live " + (++names);
    return switch (transport) {
      case "ws" -> WsTestClient.connect(vertx, hub.port).compose(c -> {
        JsonObject join = new JsonObject().put("type", "join").put("room", room).put("username", "resumer-" + (++names)).put("since", since);
        if (epoch != null) {
          join.put("epoch", epoch);
        }
        c.send(join);
        return c.expect("welcome").compose(w -> c.expect("history")).compose(history -> {
          List<Long> seqs = new ArrayList<>();
          history.getJsonArray("messages").forEach(m -> seqs.add(((JsonObject) m).getLong("seq")));
          // The replay is all in the history frame: the next chat is live.
          return post(web, room, live).compose(v -> untilLive(() -> c.skipTo("chat"), seqs, live))
              .map(x -> new Resumed(history.getString("epoch"), history.getBoolean("truncated"), seqs))
              .onComplete(x -> c.close());
        });
      });
      case "sse-header", "sse-query" -> {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String uri = "/rooms/" + room + "/events?format=json" + (epoch == null ? "" : "&epoch=" + enc(epoch));
        if (transport.equals("sse-header")) {
          headers.add("Last-Event-ID", String.valueOf(since));
        } else {
          uri += "&lastEventId=" + enc(String.valueOf(since));
        }
        yield SseTestClient.connect(vertx, hub.port, uri, headers).compose(c -> c.expect("roster")
            .compose(r -> c.expect("history"))
            .compose(history -> {
              JsonObject h = history.json();
              List<Long> seqs = new ArrayList<>();
              // The replay's end is unknown to an EventSource: read up to the live message, posted now.
              return post(web, room, live).compose(v -> untilLive(() -> c.skipTo("chat").map(e -> e.json()), seqs, live))
                  .map(x -> new Resumed(h.getString("epoch"), h.getBoolean("truncated"), seqs))
                  .onComplete(x -> c.close());
            }));
      }
      default -> bus(vertx, transport).compose(c -> {
        JsonObject headers = new JsonObject().put("since", since);
        if (epoch != null) {
          headers.put("epoch", epoch);
        }
        c.register(Addresses.roomFeed(room), headers);
        return c.next().compose(first -> {
          JsonObject history = first.getJsonObject("body");
          assertEquals("history", history.getString("type"), "a registration opens with its history delivery: " + first.encode());
          List<Long> seqs = new ArrayList<>();
          return post(web, room, live)
              .compose(v -> untilLive(() -> c.nextEvent("chat").map(f -> f.getJsonObject("body")), seqs, live))
              .map(x -> {
                assertEquals(seqs.size() - 1, history.getInteger("count"), "count names the replayed deliveries");
                return new Resumed(history.getString("epoch"), history.getBoolean("truncated"), seqs);
              })
              .onComplete(x -> c.close());
        });
      });
    };
  }

  /** Reads chat events into {@code seqs} until the one whose text is {@code live}. */
  private static Future<Void> untilLive(Supplier<Future<JsonObject>> next, List<Long> seqs, String live) {
    return next.get().compose(chat -> {
      seqs.add(chat.getLong("seq"));
      return live.equals(chat.getString("text")) ? Future.succeededFuture() : untilLive(next, seqs, live);
    });
  }

  /** The resume is refused with an error naming what is wrong; nothing is replayed or subscribed. */
  private Future<Void> refused(Vertx vertx, WebClient web, String transport, String room, Object since, String epoch, String expected) {
    Function<String, Void> check = message -> {
      assertTrue(message.contains(expected), transport + " refusing since=" + since + " epoch=" + epoch + ": " + message);
      return null;
    };
    return switch (transport) {
      case "ws" -> WsTestClient.connect(vertx, hub.port).compose(c -> {
        JsonObject join = new JsonObject().put("type", "join").put("room", room).put("username", "resumer-" + (++names));
        join.put("since", since instanceof String s && s.matches("\\d+") ? (Object) new java.math.BigInteger(s) : since);
        if (epoch != null) {
          join.put("epoch", epoch);
        }
        c.send(join);
        return c.expect("error").map(e -> check.apply(e.getString("message"))).onComplete(x -> c.close());
      });
      case "sse-header", "sse-query" -> {
        String uri = "/rooms/" + room + "/events?format=json" + (epoch == null ? "" : "&epoch=" + enc(epoch));
        var request = web.get(hub.port, "127.0.0.1", transport.equals("sse-query") ? uri + "&lastEventId=" + enc(String.valueOf(since)) : uri)
            .putHeader("Accept", "text/event-stream");
        if (transport.equals("sse-header")) {
          request.putHeader("Last-Event-ID", String.valueOf(since));
        }
        yield request.send().map(r -> {
          assertEquals(400, r.statusCode(), transport + ": " + r.bodyAsString());
          assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
          return check.apply(r.bodyAsJsonObject().getString("error"));
        });
      }
      default -> bus(vertx, transport).compose(c -> {
        JsonObject headers = new JsonObject().put("since", since);
        if (epoch != null) {
          headers.put("epoch", epoch);
        }
        c.register(Addresses.roomFeed(room), headers);
        return c.next().map(err -> {
          assertEquals("err", err.getString("type"), err.encode());
          assertEquals(400, err.getInteger("failureCode"), err.encode());
          assertEquals(Addresses.roomFeed(room), err.getString("address"));
          return check.apply(err.getString("message"));
        }).onComplete(x -> c.close());
      });
    };
  }

  private Future<BusTestClient> bus(Vertx vertx, String transport) {
    return transport.equals("tcp") ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
