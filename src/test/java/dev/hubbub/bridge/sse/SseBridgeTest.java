package dev.hubbub.bridge.sse;

import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.support.Forms;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSE bridge against a real hub: both renderings, resume, keep-alives, cleanup and bad input. */
@ExtendWith(VertxExtension.class)
class SseBridgeTest {

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    TestHub.start(vertx, new JsonObject()
            .put("sse", new JsonObject().put("keepAliveMs", 100).put("retryMs", 1234))
            .put("stats", new JsonObject().put("intervalMs", 50)))
        .onComplete(ctx.succeeding(h -> {
          hub = h;
          ctx.completeNow();
        }));
  }

  private Future<JsonObject> postJson(String room, String username, String text) {
    return web.post(hub.port, "127.0.0.1", "/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("username", username).put("text", text))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture(r.bodyAsJsonObject())
            : Future.failedFuture(new AssertionError("post failed: " + r.statusCode() + " " + r.bodyAsString())));
  }

  private Future<HttpResponse<Buffer>> postForm(String room, MultiMap form, boolean htmx) {
    return Forms.post(web, hub.port, "/rooms/" + room, "/rooms/" + room + "/messages", form, null, htmx);
  }

  private static String seq(JsonObject frame) {
    return String.valueOf(frame.getLong("seq"));
  }

  @Test
  void aWebSocketMessageReachesSseSubscribersAsHtmlAndJson(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] sse = new SseTestClient[2];
    WsTestClient[] ws = new WsTestClient[1];
    JsonObject[] sent = new JsonObject[1];
    SseTestClient.connect(vertx, hub.port, "/rooms/mix/events")
        .compose(html -> {
          sse[0] = html;
          return SseTestClient.connect(vertx, hub.port, "/rooms/mix/events?format=json");
        })
        .compose(json -> {
          sse[1] = json;
          // The first event is the roster snapshot: once it is here the subscription is registered.
          return Future.all(sse[0].expect("roster").compose(r -> sse[0].expect("history").map(r)),
              sse[1].expect("roster").compose(r -> sse[1].expect("history").map(r)));
        })
        .compose(rosters -> {
          SseTestClient.Event json = rosters.resultAt(1);
          assertEquals(new JsonObject().put("type", "roster").put("room", "mix").put("users", List.of()), json.json());
          return WsTestClient.live(vertx, hub.port, "mix", "alice");
        })
        .compose(alice -> {
          ws[0] = alice;
          return sse[1].expect("joined");
        })
        .compose(joined -> {
          assertNull(joined.id(), "presence events carry no id, so they do not move the resume point");
          assertEquals("alice", joined.json().getString("username"));
          ws[0].chat("hello from the socket");
          return ws[0].skipTo("chat");
        })
        .compose(frame -> {
          sent[0] = frame;
          return Future.all(sse[0].skipTo("chat"), sse[1].skipTo("chat"));
        })
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          SseTestClient.Event html = both.resultAt(0);
          SseTestClient.Event json = both.resultAt(1);
          assertEquals(seq(sent[0]), json.id());
          assertEquals(sent[0], json.json(), "the JSON rendering has the WebSocket frame's fields");
          assertEquals(seq(sent[0]), html.id());
          assertTrue(html.data().startsWith("<li id=\"msg-" + sent[0].getString("id") + "\""), html.data());
          assertTrue(html.data().contains("hello from the socket"), html.data());
          assertTrue(html.data().contains("alice"), html.data());
          ctx.completeNow();
        })));
  }

  @Test
  void aPostedMessageReachesWebSocketClientsWithTheSameSeq(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] ws = new WsTestClient[1];
    SseTestClient[] sse = new SseTestClient[1];
    JsonObject[] reply = new JsonObject[1];
    WsTestClient.joined(vertx, hub.port, "post", "bob")
        .compose(bob -> {
          ws[0] = bob;
          return bob.skipTo("roster");
        })
        .compose(r -> SseTestClient.connect(vertx, hub.port, "/rooms/post/events?format=json"))
        .compose(json -> {
          sse[0] = json;
          return json.expect("roster");
        })
        .compose(r -> postJson("post", "carol", "posted as JSON"))
        .compose(stored -> {
          reply[0] = stored;
          return Future.all(ws[0].skipTo("chat"), sse[0].skipTo("chat"));
        })
        .compose(both -> {
          JsonObject frame = both.resultAt(0);
          SseTestClient.Event event = both.resultAt(1);
          assertEquals(reply[0].getLong("seq"), frame.getLong("seq"));
          assertEquals(reply[0].getString("id"), frame.getString("id"));
          assertEquals("carol", frame.getString("username"));
          assertEquals("posted as JSON", frame.getString("text"));
          assertEquals(seq(frame), event.id());
          return postForm("post", MultiMap.caseInsensitiveMultiMap().add("username", "dave").add("text", "posted by htmx"), true);
        })
        .compose(response -> {
          assertEquals(200, response.statusCode());
          String form = response.bodyAsString();
          assertTrue(form.contains("id=\"post-form\""), form);
          assertTrue(form.contains("name=\"text\" value=\"\""), "the form comes back empty: " + form);
          assertTrue(form.contains("value=\"dave\""), "and keeps the name: " + form);
          return Future.all(ws[0].skipTo("chat"), sse[0].skipTo("chat"));
        })
        .compose(both -> {
          JsonObject frame = both.resultAt(0);
          SseTestClient.Event event = both.resultAt(1);
          assertEquals(reply[0].getLong("seq") + 1, frame.getLong("seq"));
          assertEquals("posted by htmx", frame.getString("text"));
          assertEquals(seq(frame), event.id());
          return postForm("post", MultiMap.caseInsensitiveMultiMap().add("username", "erin").add("text", "posted without JS"), false);
        })
        .compose(response -> {
          assertEquals(303, response.statusCode(), "a plain form post redirects back to the page");
          assertEquals("/rooms/post", response.getHeader("Location"));
          assertTrue(response.cookies().stream().anyMatch(c -> c.startsWith("hubbub_username=erin")), response.cookies().toString());
          return ws[0].skipTo("chat");
        })
        .onComplete(ctx.succeeding(frame -> ctx.verify(() -> {
          assertEquals(reply[0].getLong("seq") + 2, frame.getLong("seq"));
          assertEquals("erin", frame.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void lastEventIdResumesWithExactlyTheMissedEvents(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] sse = new SseTestClient[3];
    Future<JsonObject> posts = Future.succeededFuture();
    for (int i = 1; i <= 5; i++) {
      String text = "m" + i;
      posts = posts.compose(r -> postJson("resume", "poster", text));
    }
    posts
        .compose(r -> SseTestClient.connect(vertx, hub.port, "/rooms/resume/events?format=json",
            MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", "2")))
        .compose(fromHeader -> {
          sse[0] = fromHeader;
          return readChats(fromHeader, 3);
        })
        .compose(events -> {
          assertEquals(List.of("3", "4", "5"), events.stream().map(SseTestClient.Event::id).toList());
          assertEquals(List.of("m3", "m4", "m5"), events.stream().map(e -> e.json().getString("text")).toList());
          return postJson("resume", "poster", "m6");
        })
        .compose(r -> sse[0].next())
        .compose(live -> {
          assertEquals("6", live.id(), "the next event after the replay is the live one: nothing extra, nothing twice");
          return SseTestClient.connect(vertx, hub.port, "/rooms/resume/events?lastEventId=4");
        })
        .compose(fromQuery -> {
          sse[1] = fromQuery;
          return readChats(fromQuery, 2);
        })
        .compose(events -> {
          assertEquals(List.of("5", "6"), events.stream().map(SseTestClient.Event::id).toList());
          assertTrue(events.get(0).data().contains("m5"), "the HTML rendering resumes the same way");
          // The header a reconnecting EventSource sends wins over the page's original query.
          return SseTestClient.connect(vertx, hub.port, "/rooms/resume/events?format=json&lastEventId=1",
              MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", "5"));
        })
        .compose(both -> {
          sse[2] = both;
          return readChats(both, 1);
        })
        .compose(events -> {
          assertEquals(List.of("6"), events.stream().map(SseTestClient.Event::id).toList());
          return postJson("resume", "poster", "m7");
        })
        .compose(r -> Future.all(sse[0].next(), sse[1].next(), sse[2].next()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            SseTestClient.Event event = all.resultAt(i);
            assertEquals("7", event.id());
            assertEquals("chat", event.event());
          }
          ctx.completeNow();
        })));
  }

  /** The roster snapshot, the history's epoch, then {@code count} replayed chat events. */
  private static Future<List<SseTestClient.Event>> readChats(SseTestClient client, int count) {
    Future<List<SseTestClient.Event>> read = client.expect("roster").compose(r -> client.expect("history")).map(r -> List.of());
    for (int i = 0; i < count; i++) {
      read = read.compose(list -> client.expect("chat").map(e -> {
        List<SseTestClient.Event> more = new java.util.ArrayList<>(list);
        more.add(e);
        return more;
      }));
    }
    return read;
  }

  @Test
  void theStreamHasTheRightHeadersARetryHintAndKeepAlives(Vertx vertx, VertxTestContext ctx) {
    SseTestClient.connect(vertx, hub.port, "/rooms/quiet/events")
        .compose(client -> {
          assertTrue(client.headers().get("Content-Type").startsWith("text/event-stream"), client.headers().get("Content-Type"));
          assertEquals("no-cache", client.headers().get("Cache-Control"));
          assertEquals("no", client.headers().get("X-Accel-Buffering"));
          // Two in a row on an idle stream: the keep-alive is periodic, not a one-off.
          return client.nextComment().compose(first -> client.nextComment().map(second -> List.of(first, second, client)));
        })
        .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
          assertEquals("keep-alive", got.get(0));
          assertEquals("keep-alive", got.get(1));
          assertEquals(List.of(1234L), ((SseTestClient) got.get(2)).retries());
          ctx.completeNow();
        })));
  }

  @Test
  void aDisconnectedStreamIsCleanedUp(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] sse = new SseTestClient[1];
    SseTestClient.connect(vertx, hub.port, "/rooms/gone/events")
        .compose(client -> {
          sse[0] = client;
          return client.expect("roster");
        })
        .compose(r -> StatsProbe.await(vertx, s -> StatsProbe.connections(s, ConnectionReporter.SSE) == 1))
        .compose(s -> {
          // Someone joins and talks after the watcher left: the bridge must not try to write to it.
          Future<JsonObject> dropped = StatsProbe.await(vertx, snapshot -> StatsProbe.connections(snapshot, ConnectionReporter.SSE) == 0);
          return sse[0].close().compose(v -> dropped);
        })
        .compose(s -> WsTestClient.live(vertx, hub.port, "gone", "late"))
        .compose(late -> {
          late.chat("anyone?");
          return late.skipTo("chat");
        })
        .compose(chat -> web.get(hub.port, "127.0.0.1", "/api/stats").send())
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          JsonObject figures = stats.bodyAsJsonObject();
          assertEquals(0, StatsProbe.connections(figures, ConnectionReporter.SSE));
          assertEquals(1, StatsProbe.connections(figures, ConnectionReporter.WEBSOCKET));
          ctx.completeNow();
        })));
  }

  @Test
  void badInputIsRefusedWithAClearError(Vertx vertx, VertxTestContext ctx) {
    String messages = "/rooms/ok/messages";
    Future.succeededFuture()
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/rooms/bad%20room/events").send(), 400, "room must be"))
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/rooms/ok/events?format=xml").send(), 400, "format must be"))
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/rooms/ok/events").putHeader("Last-Event-ID", "abc").send(),
            400, "Last-Event-ID"))
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/rooms/ok/events?lastEventId=-3").send(), 400, "Last-Event-ID"))
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/rooms/ok/events").putHeader("Accept", "application/json").send(),
            406, "text/event-stream"))
        .compose(v -> expectJsonError(web.get(hub.port, "127.0.0.1", "/dashboard/events?format=yaml").send(), 400, "format must be"))
        .compose(v -> expectJsonError(web.post(hub.port, "127.0.0.1", messages).sendJsonObject(new JsonObject()), 400,
            "missing field 'username'"))
        .compose(v -> expectJsonError(web.post(hub.port, "127.0.0.1", messages)
            .sendJsonObject(new JsonObject().put("username", "x").put("text", "y".repeat(4001))), 400, "at most 4000"))
        .compose(v -> expectJsonError(web.post(hub.port, "127.0.0.1", messages).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("[1,2")), 400, "expected a JSON object"))
        .compose(v -> expectJsonError(web.post(hub.port, "127.0.0.1", messages).putHeader("Content-Type", "text/plain")
            .sendBuffer(Buffer.buffer("hi")), 415, "send a form"))
        .compose(v -> expectJsonError(web.post(hub.port, "127.0.0.1", "/rooms/no%20pe/messages")
            .sendJsonObject(new JsonObject().put("username", "x").put("text", "y")), 400, "room must be"))
        .compose(v -> postForm("ok", MultiMap.caseInsensitiveMultiMap().add("username", "frank").add("text", "   "), true))
        .compose(response -> {
          assertEquals(400, response.statusCode());
          assertTrue(response.getHeader("Content-Type").startsWith("text/html"));
          String form = response.bodyAsString();
          assertTrue(form.contains("<p class=\"error\" role=\"alert\">text must not be empty</p>"), form);
          assertTrue(form.contains("value=\"frank\""), "the refused form keeps what was typed: " + form);
          return postForm("ok", MultiMap.caseInsensitiveMultiMap().add("username", " padded ").add("text", "hello"), false);
        })
        .compose(response -> {
          assertEquals(400, response.statusCode(), "a refused plain post answers with the page and its error, not a redirect");
          String page = response.bodyAsString();
          assertTrue(page.contains("without surrounding spaces"), page);
          assertTrue(page.contains("value=\"hello\""), "the text is kept for another try");
          return web.get(hub.port, "127.0.0.1", "/health").send();
        })
        .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
          assertEquals(200, health.statusCode(), "the hub stays healthy");
          ctx.completeNow();
        })));
  }

  private static Future<Void> expectJsonError(Future<HttpResponse<Buffer>> sent, int status, String fragment) {
    return sent.map(response -> {
      assertEquals(status, response.statusCode(), response.bodyAsString());
      assertTrue(response.getHeader("Content-Type").startsWith("application/json"), response.getHeader("Content-Type"));
      String error = response.bodyAsJsonObject().getString("error");
      assertTrue(error.contains(fragment), "expected '" + fragment + "' in " + error);
      assertFalse(error.isBlank());
      return null;
    });
  }
}
