package dev.hubbub.bridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.Logged;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Members close their sockets while a sender bursts. Delivery to one session must never affect another:
 * every remaining member, on every transport, receives seq 1..N with no gap, and nothing is left
 * unhandled (no ERROR in the log, no exception reaching Vert.x).
 */
@ExtendWith(VertxExtension.class)
class ChurnTest {

  private static final int ROUNDS = 6;
  private static final int BURST = 60;

  private TestHub hub;
  private ListAppender<ILoggingEvent> log;
  private final Queue<Throwable> unhandled = new ConcurrentLinkedQueue<>();

  /** A member on some transport: the seq of its next chat, and a way to leave by closing the socket. */
  private record Member(String name, Supplier<Future<Long>> nextChatSeq, Runnable close) {
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    vertx.exceptionHandler(unhandled::add);
    // One HTTP and one TCP bridge instance: every member of a room shares one fan-out per transport, as
    // members on the same event loop do in production.
    TestHub.start(vertx, new JsonObject().put("http", new JsonObject().put("instances", 1))).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopCapture() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void closingMembersNeverCostTheOthersAnEvent(Vertx vertx, VertxTestContext ctx) {
    Future<Void> rounds = Future.succeededFuture();
    for (int r = 0; r < ROUNDS; r++) {
      String room = "churn-" + r;
      rounds = rounds.compose(v -> round(vertx, room));
    }
    rounds.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      List<String> errors = Logged.events(log).stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
          .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
          .toList();
      assertTrue(errors.isEmpty(), "the log has unhandled failures: " + errors);
      assertTrue(unhandled.isEmpty(), "exceptions reached Vert.x: " + unhandled);
      ctx.completeNow();
    })));
  }

  /**
   * One room: the leavers join first (so they come first in the fan-out), then the stayers; everyone sees
   * seq 1, then the sender bursts while each leaver closes its socket somewhere inside the burst.
   */
  private Future<Void> round(Vertx vertx, String room) {
    WebClient web = WebClient.create(vertx);
    List<Member> leavers = new ArrayList<>();
    List<Member> stayers = new ArrayList<>();
    WsTestClient[] sender = new WsTestClient[1];
    Future<Void> joined = Future.succeededFuture();
    for (int i = 0; i < 6; i++) {
      String name = "ws-leaver-" + i;
      joined = joined.compose(v -> ws(vertx, room, name).map(m -> add(leavers, m)));
    }
    for (String transport : List.of("sockjs", "tcp")) {
      for (int i = 0; i < 2; i++) {
        String name = transport + "-leaver-" + i;
        joined = joined.compose(v -> bus(vertx, room, transport, name).map(m -> add(leavers, m)));
      }
    }
    for (int i = 0; i < 2; i++) {
      String name = "sse-leaver-" + i;
      joined = joined.compose(v -> sse(vertx, room, name).map(m -> add(leavers, m)));
    }
    joined = joined
        .compose(v -> ws(vertx, room, "ws-stayer").map(m -> add(stayers, m)))
        .compose(v -> sse(vertx, room, "sse-stayer").map(m -> add(stayers, m)))
        .compose(v -> bus(vertx, room, "sockjs", "sockjs-stayer").map(m -> add(stayers, m)))
        .compose(v -> bus(vertx, room, "tcp", "tcp-stayer").map(m -> add(stayers, m)))
        .compose(v -> WsTestClient.live(vertx, hub.port, room, "sender"))
        .map(s -> {
          sender[0] = s;
          return null;
        });
    return joined.compose(v -> {
      // Seq 1 tells us every member is subscribed; after it, the burst and the leaving overlap.
      sender[0].chat("hello");
      List<Member> all = new ArrayList<>(leavers);
      all.addAll(stayers);
      return Future.all(all.stream().map(m -> m.nextChatSeq().get()).toList());
    }).compose(v -> {
      // A burst large enough to still be fanned out while the leavers, reading it, close their sockets.
      // Posted all at once over REST, so the sequencer commits and publishes them in a few large batches.
      for (int i = 2; i <= BURST; i++) {
        web.post(hub.port, "127.0.0.1", "/api/rooms/" + room + "/messages")
            .sendJsonObject(new JsonObject().put("username", "sender").put("text", "burst " + i));
      }
      for (int i = 0; i < leavers.size(); i++) {
        Member leaver = leavers.get(i);
        readUntil(leaver, 2 + (i * 5L) % (BURST / 2)).onComplete(done -> leaver.close().run());
      }
      return Future.all(stayers.stream().map(m -> collect(m, BURST)
          .map(seqs -> {
            assertEquals(LongStream.rangeClosed(2, BURST).boxed().toList(), seqs,
                room + ": " + m.name() + " saw a gap: " + seqs.stream().map(String::valueOf).collect(Collectors.joining(",")));
            return null;
          })).toList());
    }).compose(v -> {
      stayers.forEach(m -> m.close().run());
      sender[0].close();
      web.close();
      return Future.<Void>succeededFuture();
    });
  }

  private static Void add(List<Member> members, Member member) {
    members.add(member);
    return null;
  }

  /** Reads chats until one with seq {@code at} or later (or the stream ends), then completes. */
  private static Future<Void> readUntil(Member member, long at) {
    return member.nextChatSeq().get().compose(seq -> seq >= at ? Future.succeededFuture() : readUntil(member, at),
        e -> Future.succeededFuture());
  }

  /** Chat seqs from the next one on until {@code last} arrives; a gap still ends at {@code last}. */
  private static Future<List<Long>> collect(Member member, long last) {
    List<Long> seqs = new ArrayList<>();
    return collectInto(member, last, seqs).map(seqs);
  }

  private static Future<Void> collectInto(Member member, long last, List<Long> seqs) {
    return member.nextChatSeq().get().compose(seq -> {
      seqs.add(seq);
      return seq >= last ? Future.succeededFuture() : collectInto(member, last, seqs);
    });
  }

  private Future<Member> ws(Vertx vertx, String room, String name) {
    return WsTestClient.live(vertx, hub.port, room, name)
        .map(c -> new Member(name, () -> c.skipTo("chat").map(f -> f.getLong("seq")), c::close));
  }

  private Future<Member> sse(Vertx vertx, String room, String name) {
    return SseTestClient.connect(vertx, hub.port, "/rooms/" + room + "/events?format=json")
        .compose(c -> c.skipTo("roster").map(c))
        .map(c -> new Member(name, () -> c.skipTo("chat").map(e -> e.json().getLong("seq")), c::close));
  }

  /** A bridge member registered with {@code since: 0}, so seq 1 reaches it by replay or live. */
  private Future<Member> bus(Vertx vertx, String room, String transport, String name) {
    Future<BusTestClient> connected = transport.equals("tcp") ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port);
    return connected.map(c -> {
      c.register(Addresses.roomFeed(room), new JsonObject().put("since", 0));
      return new Member(name, () -> c.nextEvent("chat").map(f -> f.getJsonObject("body").getLong("seq")), c::close);
    });
  }
}
