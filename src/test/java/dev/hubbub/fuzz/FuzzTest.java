package dev.hubbub.fuzz;

import dev.hubbub.support.Logged;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.hubbub.fuzz.Garbage.object;
import static dev.hubbub.fuzz.Garbage.percent;
import static dev.hubbub.fuzz.Garbage.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of generated malformed inputs on every way in: WebSocket, SSE, REST, and the SockJS and TCP
 * event-bus bridges. Each input gets the clear answer of its class (an {@code error} frame, a 4xx JSON body,
 * an {@code err} frame, a close code); meanwhile a client in another room receives every message, seq 1..N,
 * and nothing is logged at ERROR or with a stack trace. The inputs come from one seed, printed at the start
 * and in every failure; rerun one with {@code -Dhubbub.fuzz.seed=<seed>}.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FuzzTest {

  private static final long SEED = Long.getLong("hubbub.fuzz.seed", new Random().nextLong());
  private static final int MAX_FRAME = 4096;
  private static final int MAX_TEXT = 200;
  private static final long WAIT = 20;
  /** One good message to the watched room every this many bad inputs. */
  private static final int GOOD_EVERY = 25;

  private static final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private static TestHub hub;
  private static HttpClient http;
  private static WsTestClient watcher;
  private static int goodSent;
  private static String input = "";

  private record Answer(int status, String contentType, String body) {
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    System.out.println("FuzzTest seed " + SEED + " (rerun with -Dhubbub.fuzz.seed=" + SEED + ")");
    logged.start();
    root.addAppender(logged);
    hub = TestHub.start(vertx, new JsonObject().put("limits", new JsonObject().put("maxFrameBytes", MAX_FRAME)
        .put("maxTextChars", MAX_TEXT))).await(WAIT, TimeUnit.SECONDS);
    http = vertx.createHttpClient(new HttpClientOptions());
    watcher = WsTestClient.live(vertx, hub.port, "watch", "watcher").await(WAIT, TimeUnit.SECONDS);
  }

  @AfterAll
  static void detach() {
    root.detachAppender(logged);
  }

  @Test
  @Order(1)
  void webSocket(Vertx vertx) throws Throwable {
    Garbage g = garbage("ws");
    fuzz(() -> {
      int connection = 0;
      WsTestClient ws = wsFuzzer(vertx, connection++);
      for (int i = 0; i < 1200; i++) {
        goodMessageNowAndThen(i);
        int kind = g.random.nextInt(100);
        // The two classes that close the socket are rarer: each costs a new connection and join.
        if (kind < 2) {
          byte[] bytes = Garbage.withBytes(object("type", quote("chat"), "text", quote("@@")), "@@", g.invalidUtf8());
          input = "a text message that is not UTF-8: " + Buffer.buffer(bytes);
          ws.socket().writeFrame(WebSocketFrame.textFrame("", false));
          ws.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(bytes), true));
          assertEquals((short) 1007, ws.closed().await(WAIT, TimeUnit.SECONDS));
          ws = wsFuzzer(vertx, connection++);
        } else if (kind < 3) {
          input = "a message over maxFrameBytes";
          ws.sendText(object("type", quote("chat"), "text", quote(g.hugeString(MAX_FRAME, 3 * MAX_FRAME))));
          assertEquals((short) 1009, ws.closed().await(WAIT, TimeUnit.SECONDS));
          ws = wsFuzzer(vertx, connection++);
        } else if (kind < 13) {
          input = "a binary frame";
          ws.sendBinary(Buffer.buffer(g.bytes(300)));
          expectWsError(ws);
        } else {
          String frame = wsFrame(g);
          input = frame;
          ws.sendText(frame);
          expectWsError(ws);
        }
      }
    });
  }

  @Test
  @Order(2)
  void rest() throws Throwable {
    Garbage g = garbage("rest");
    fuzz(() -> {
      for (int i = 0; i < 600; i++) {
        goodMessageNowAndThen(i);
        Answer answer;
        switch (g.random.nextInt(5)) {
          case 0, 1, 2 -> {
            Buffer body = restBody(g);
            String uri = g.random.nextBoolean() ? "/api/rooms/fz-rest/messages" : "/api/rooms/fz-rest/messages/nope";
            input = uri + " " + body;
            answer = call(uri.endsWith("nope") ? HttpMethod.PATCH : HttpMethod.POST, uri, null, body);
          }
          case 3 -> answer = call(HttpMethod.GET, input = "/api/rooms/" + badRoomSegment(g) + "/messages", null, null);
          default -> {
            String param = g.pick(List.of("after", "before", "limit", "q"));
            String value = param.equals("q") ? g.hugeString(201, 1000) : badNumberText(g).replace("9007199254740992", "1234567890123456789");
            answer = call(HttpMethod.GET, input = "/api/rooms/fz-rest/messages?" + param + "=" + value, null, null);
          }
        }
        expectJsonError(answer);
      }
    });
  }

  @Test
  @Order(3)
  void serverSentEvents() throws Throwable {
    Garbage g = garbage("sse");
    fuzz(() -> {
      for (int i = 0; i < 300; i++) {
        goodMessageNowAndThen(i);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "text/event-stream");
        String uri = "/rooms/fz-sse/events?format=json";
        switch (g.random.nextInt(6)) {
          case 0 -> uri = "/rooms/" + badRoomSegment(g) + "/events";
          case 1 -> uri += "&lastEventId=" + badNumberText(g);
          case 2 -> headers.set("Last-Event-ID", g.random.nextBoolean() ? "x" + g.notJson(40) : badNumberText(g).replace('%', 'x'));
          case 3 -> uri += "&lastEventId=0&epoch=" + g.pick(List.of(percent(g.control()), percent(g.invalidUtf8()),
              g.hugeString(65, 500), "a%20b", "%2F%2F"));
          case 4 -> uri = "/rooms/fz-sse/events?format=" + g.pick(List.of("xml", "JSON", percent(g.control()), g.hugeString(5, 500)));
          default -> headers.set("Accept", g.pick(List.of("application/json", "text/html", "image/png")));
        }
        input = uri + " " + headers.entries();
        expectJsonError(call(HttpMethod.GET, uri, headers, null));
      }
    });
  }

  @Test
  @Order(4)
  void tcpBridge(Vertx vertx) throws Throwable {
    busBridge(vertx, true);
  }

  @Test
  @Order(5)
  void sockJsBridge(Vertx vertx) throws Throwable {
    busBridge(vertx, false);
  }

  @Test
  @Order(6)
  void theWellBehavedClientMissedNothingAndTheHubIsUp() throws Throwable {
    fuzz(() -> {
      goodMessageNowAndThen(0);
      long expected = 1;
      while (expected <= goodSent) {
        JsonObject frame = watcher.next().await(WAIT, TimeUnit.SECONDS);
        if ("chat".equals(frame.getString("type"))) {
          assertEquals(expected, frame.getLong("seq"), "the watcher's messages in order, no gap: " + frame.encode());
          expected++;
        }
      }
      assertEquals(200, call(HttpMethod.GET, "/health", null, null).status());
    });
  }

  private void busBridge(Vertx vertx, boolean tcp) throws Throwable {
    Garbage g = garbage(tcp ? "tcp" : "sockjs");
    fuzz(() -> {
      BusTestClient bus = busFuzzer(vertx, tcp);
      for (int i = 0; i < 800; i++) {
        goodMessageNowAndThen(i);
        int kind = g.random.nextInt(100);
        if (tcp && kind < 4) {
          int length = g.pick(List.of(0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, MAX_FRAME + 1));
          input = "a TCP length prefix of " + length;
          bus.sendRaw(Buffer.buffer().appendInt(length).appendString("{}"));
          expectErr(bus, 413);
          bus.closed().await(WAIT, TimeUnit.SECONDS);
          bus = busFuzzer(vertx, true);
          continue;
        }
        if (tcp && kind < 8) {
          input = "a TCP length prefix of 1";
          bus.sendRaw(Buffer.buffer().appendInt(1).appendBytes(g.bytes(1)));
        } else if (!tcp && kind < 8) {
          input = "a binary SockJS frame";
          bus.sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(g.bytes(300)), true));
        } else if (kind < 12) {
          byte[] bytes = Garbage.withBytes(busSend(Map.of("text", quote("@@"))), "@@", g.invalidUtf8());
          input = "a frame that is not UTF-8: " + Buffer.buffer(bytes);
          if (tcp) {
            bus.sendRaw(Buffer.buffer().appendInt(bytes.length).appendBytes(bytes));
          } else {
            // vertx-web's SockJS WebSocket decodes text leniently (bad bytes become U+FFFD) before the bridge
            // sees it, so this is answered like any chat: the hub must answer and stay up, nothing more.
            bus.sendFrame(WebSocketFrame.textFrame("{", false)).sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(bytes).slice(1, bytes.length), true));
            JsonObject answer = bus.next().await(WAIT, TimeUnit.SECONDS);
            assertTrue(List.of("err", "rec").contains(answer.getString("type")), answer.encode());
            continue;
          }
        } else if (kind < 18) {
          input = "random bytes";
          byte[] bytes = g.bytes(300);
          bus.sendRaw(tcp ? Buffer.buffer().appendInt(bytes.length).appendBytes(bytes) : Buffer.buffer(bytes));
        } else {
          String frame = busFrame(g);
          input = frame;
          bus.sendRaw(bus.frameBytes(frame));
        }
        expectErr(bus, 0);
      }
    });
  }

  // ---- generated inputs ----

  /** A WebSocket frame that is JSON but wrong in one field; every one of them must get an error frame. */
  private static String wsFrame(Garbage g) {
    return switch (g.random.nextInt(8)) {
      case 0 -> g.notJson(200);
      case 1 -> g.truncated(ws("chat", Map.of()));
      case 2 -> g.random.nextBoolean() ? g.nested(g.between(10, 700)) : ws("chat", Map.of("text", g.nested(g.between(10, 700))));
      case 3 -> {
        String field = g.pick(List.of("type", "room", "username", "text", "cid", "id", "since"));
        String type = switch (field) {
          case "room", "username", "since" -> "join";
          case "text", "cid" -> "chat";
          case "id" -> g.pick(List.of("edit", "delete"));
          default -> g.pick(List.of("join", "chat", "edit", "delete"));
        };
        String bad = field.equals("since") ? g.notANumber() : g.random.nextBoolean() ? g.wrongType() : g.hugeNumber();
        yield ws(type, Map.of(field, bad));
      }
      case 4 -> switch (g.random.nextInt(5)) {
        case 0 -> ws("join", Map.of("room", quote(g.hugeString(65, 1000))));
        case 1 -> ws("join", Map.of("username", quote(g.hugeString(33, 1000))));
        case 2 -> ws("chat", Map.of("text", quote(g.hugeString(MAX_TEXT + 1, 3900))));
        case 3 -> ws("chat", Map.of("cid", quote(g.hugeString(65, 1000))));
        default -> ws("chat", Map.of("type", quote(g.hugeString(33, 1000))));
      };
      case 5 -> ws("join", Map.of("since", g.hugeNumber()));
      default -> {
        String bad = quote(g.random.nextBoolean() ? g.control() : g.loneSurrogate());
        yield switch (g.random.nextInt(5)) {
          case 0 -> ws("join", Map.of("room", bad));
          case 1 -> ws("join", Map.of("username", bad));
          case 2 -> ws("edit", Map.of("text", bad));
          case 3 -> ws("chat", Map.of("type", bad));
          default -> ws("chat", Map.of("text", bad));
        };
      }
    };
  }

  /** A frame of {@code type} with its good fields, some replaced by raw JSON values. */
  private static String ws(String type, Map<String, String> over) {
    List<String> fields = new ArrayList<>(List.of("type", quote(type)));
    switch (type) {
      case "join" -> fields.addAll(List.of("room", quote("fz-elsewhere"), "username", quote("fuzzer"), "since", "0"));
      case "chat" -> fields.addAll(List.of("text", quote("hi"), "cid", quote("c1")));
      case "edit" -> fields.addAll(List.of("id", quote("nope"), "text", quote("hi")));
      default -> fields.addAll(List.of("id", quote("nope")));
    }
    for (int i = 0; i < fields.size(); i += 2) {
      fields.set(i + 1, over.getOrDefault(fields.get(i), fields.get(i + 1)));
    }
    return object(fields.toArray(String[]::new));
  }

  /** A bridge frame that is JSON but wrong in one field; every one must get an {@code err} frame. */
  private static String busFrame(Garbage g) {
    String bad = quote(g.random.nextBoolean() ? g.control() : g.loneSurrogate());
    return switch (g.random.nextInt(8)) {
      case 0 -> g.notJson(200);
      case 1 -> g.truncated(busSend(Map.of()));
      case 2 -> g.random.nextBoolean() ? g.nested(g.between(10, 700)) : busSend(Map.of("text", g.nested(g.between(10, 700))));
      case 3 -> busSend(Map.of(g.pick(List.of("type", "address", "body", "room", "text", "username")),
          g.random.nextBoolean() ? g.wrongType() : g.hugeNumber()));
      case 4 -> switch (g.random.nextInt(5)) {
        case 0 -> busSend(Map.of("text", quote(g.hugeString(MAX_TEXT + 1, 3800))));
        case 1 -> busSend(Map.of("address", quote(g.hugeString(33, 3800))));
        case 2 -> busSend(Map.of("replyAddress", quote(g.hugeString(129, 3800))));
        case 3 -> busSend(Map.of("username", quote(g.hugeString(33, 1000))));
        default -> busSend(Map.of("room", quote(g.hugeString(65, 1000))));
      };
      case 5 -> object("type", quote("register"), "address", quote("hubbub.room.fz-bus"),
          "headers", object("since", g.random.nextBoolean() ? g.hugeNumber() : g.notANumber()));
      case 6 -> object("type", quote("register"), "address", g.random.nextBoolean() ? bad : quote("hubbub.room." + g.control()));
      default -> busSend(Map.of(g.pick(List.of("room", "text", "username")), bad));
    };
  }

  /** A chat sent over a bridge with a reply address, some fields replaced by raw JSON values. */
  private static String busSend(Map<String, String> over) {
    String body = object("room", over.getOrDefault("room", quote("fz-bus")), "username", over.getOrDefault("username", quote("fuzzer")),
        "text", over.getOrDefault("text", quote("hi")));
    return object("type", over.getOrDefault("type", quote("send")), "address", over.getOrDefault("address", quote("hubbub.cmd.chat")),
        "replyAddress", over.getOrDefault("replyAddress", quote("r1")), "body", over.getOrDefault("body", body));
  }

  /** A REST body for a chat or an edit, wrong in one way. */
  private static Buffer restBody(Garbage g) {
    String bad = quote(g.random.nextBoolean() ? g.control() : g.loneSurrogate());
    String good = object("username", quote("fuzzer"), "text", quote("hi"), "cid", quote("c1"));
    return switch (g.random.nextInt(9)) {
      case 0 -> {
        byte[] bytes = g.bytes(500);
        bytes[0] = 'x'; // never a JSON object
        yield Buffer.buffer(bytes);
      }
      case 1 -> Buffer.buffer(g.notJson(300));
      case 2 -> Buffer.buffer(g.truncated(good));
      case 3 -> Buffer.buffer(g.random.nextBoolean() ? g.nested(g.between(10, 700)) : rest("text", g.nested(g.between(10, 700))));
      case 4 -> Buffer.buffer(rest(g.pick(List.of("username", "text", "cid")), g.random.nextBoolean() ? g.wrongType() : g.hugeNumber()));
      case 5 -> Buffer.buffer(g.random.nextBoolean() ? rest("text", quote(g.hugeString(MAX_TEXT + 1, 3900)))
          : rest("text", quote(g.hugeString(MAX_FRAME, 2 * MAX_FRAME))));
      case 6 -> Buffer.buffer(rest(g.pick(List.of("username", "text")), bad));
      case 7 -> Buffer.buffer(Garbage.withBytes(rest(g.pick(List.of("username", "text")), quote("@@")), "@@", g.invalidUtf8()));
      default -> Buffer.buffer(rest("username", quote(g.hugeString(33, 1000))));
    };
  }

  private static String rest(String field, String bad) {
    List<String> fields = new ArrayList<>(List.of("username", quote("fuzzer"), "text", quote("hi"), "cid", quote("c1")));
    fields.set(fields.indexOf(field) + 1, bad);
    return object(fields.toArray(String[]::new));
  }

  /** A room path segment no room has: control characters, bytes that are not UTF-8, too long, punctuation. */
  private static String badRoomSegment(Garbage g) {
    return switch (g.random.nextInt(4)) {
      case 0 -> percent(g.control());
      case 1 -> "a" + percent(g.invalidUtf8());
      case 2 -> g.hugeString(65, 2000);
      default -> g.pick(List.of("a%20b", "%E2%80%AE", "%F0%9F%92%A9", "a:b", "%2e%2e%2F")) ;
    };
  }

  /** A query or header value that is not a resume point or page bound. */
  private static String badNumberText(Garbage g) {
    return g.pick(List.of("-1", "abc", "1e5", "1.0", "99999999999999999999", "9007199254740992", "0x10", "%00", "1%00",
        "%FF", "NaN", "Infinity", "1_000"));
  }

  // ---- answers ----

  private static void expectWsError(WsTestClient ws) throws Exception {
    JsonObject answer = ws.next().await(WAIT, TimeUnit.SECONDS);
    while (List.of("joined", "roster").contains(answer.getString("type"))) {
      answer = ws.next().await(WAIT, TimeUnit.SECONDS); // the fuzzer's own presence in its room, not an answer
    }
    assertEquals("error", answer.getString("type"), "expected an error frame, got " + answer.encode());
    assertTrue(answer.getString("message") != null && !answer.getString("message").isBlank(), answer.encode());
  }

  private static void expectJsonError(Answer answer) {
    assertTrue(answer.status() >= 400 && answer.status() < 500, "expected a 4xx, got " + answer);
    assertTrue(String.valueOf(answer.contentType()).startsWith("application/json"), "expected JSON, got " + answer);
    assertTrue(new JsonObject(answer.body()).getValue("error") instanceof String, "expected {error}, got " + answer);
  }

  /** The next frame is an {@code err} (with {@code code} unless 0). */
  private static void expectErr(BusTestClient bus, int code) throws Exception {
    JsonObject answer = bus.next().await(WAIT, TimeUnit.SECONDS);
    assertEquals("err", answer.getString("type"), "expected an err frame, got " + answer.encode());
    int failureCode = answer.getInteger("failureCode");
    assertTrue(code == 0 ? failureCode >= 400 && failureCode < 500 : failureCode == code, "failure code: " + answer.encode());
  }

  // ---- clients ----

  private static WsTestClient wsFuzzer(Vertx vertx, int n) throws Exception {
    return WsTestClient.live(vertx, hub.port, "fz-ws-" + n, "fuzzer").await(WAIT, TimeUnit.SECONDS);
  }

  private static BusTestClient busFuzzer(Vertx vertx, boolean tcp) throws Exception {
    return (tcp ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port)).await(WAIT, TimeUnit.SECONDS);
  }

  private static void goodMessageNowAndThen(int i) throws Exception {
    if (i % GOOD_EVERY != 0) {
      return;
    }
    String saved = input;
    input = "a good message to the watched room";
    Answer answer = call(HttpMethod.POST, "/api/rooms/watch/messages", null,
        Buffer.buffer(object("username", quote("poster"), "text", quote("good " + (goodSent + 1)))));
    assertEquals(201, answer.status(), answer.toString());
    goodSent++;
    input = saved;
  }

  /** One request; a stream that opens (200 event-stream) is closed at once and answered as such. */
  private static Answer call(HttpMethod method, String uri, MultiMap headers, Buffer body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(hub.port).setURI(uri);
    if (headers != null) {
      headers.forEach(options::addHeader);
    }
    return http.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body)).compose(response -> {
          String type = response.getHeader("Content-Type");
          if (String.valueOf(type).startsWith("text/event-stream")) {
            request.reset();
            return Future.succeededFuture(new Answer(response.statusCode(), type, "(an event stream)"));
          }
          return response.body().map(b -> new Answer(response.statusCode(), type, b.toString()));
        }))
        .await(WAIT, TimeUnit.SECONDS);
  }

  // ---- running ----

  private interface Body {
    void run() throws Exception;
  }

  private static Garbage garbage(String name) {
    return new Garbage(new Random(SEED ^ name.hashCode()));
  }

  /** Runs {@code body}, then checks the log; a failure names the seed and the input that caused it. */
  private static void fuzz(Body body) throws Throwable {
    try {
      body.run();
      assertLogClean();
    } catch (Throwable e) {
      throw new AssertionError("seed " + SEED + " (-Dhubbub.fuzz.seed=" + SEED + "), input "
          + (input.length() > 300 ? input.substring(0, 300) + "..." : input) + ": " + e, e);
    }
  }

  /** No ERROR line and no stack trace at WARN or above, from any logger. */
  private static void assertLogClean() {
    List<ILoggingEvent> events = Logged.events(logged);
    List<String> bad = events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null)
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()))
        .toList();
    input = "(the log)";
    assertTrue(bad.isEmpty(), bad.size() + " unhandled: " + bad.subList(0, Math.min(5, bad.size())));
  }
}
