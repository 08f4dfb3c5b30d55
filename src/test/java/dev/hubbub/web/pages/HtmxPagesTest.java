package dev.hubbub.web.pages;

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

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-rendered pages: first paint, the no-JavaScript post, the dashboard, and escaping everywhere. */
@ExtendWith(VertxExtension.class)
class HtmxPagesTest {

  static final String EVIL_NAME = "<img src=x onerror=alert(1)>";
  static final String EVIL_TEXT = "</script><script>alert(1)</script>";
  static final String EVIL_NAME_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";
  static final String EVIL_TEXT_ESCAPED = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    TestHub.start(vertx, new JsonObject().put("stats", new JsonObject().put("intervalMs", 50)))
        .onComplete(ctx.succeeding(h -> {
          hub = h;
          ctx.completeNow();
        }));
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return web.get(hub.port, "127.0.0.1", uri).send();
  }

  private Future<String> page(String uri) {
    return get(uri).map(response -> {
      assertEquals(200, response.statusCode(), uri + ": " + response.bodyAsString());
      assertTrue(response.getHeader("Content-Type").startsWith("text/html"));
      return response.bodyAsString();
    });
  }

  /** No raw payload anywhere, and the escaped text where user text is shown. */
  static void assertEscaped(String html, boolean expectName, boolean expectText) {
    assertFalse(html.contains("<img"), "raw <img in " + html);
    assertFalse(html.contains("<script>alert"), "raw <script> in " + html);
    if (expectName) {
      assertTrue(html.contains(EVIL_NAME_ESCAPED), "escaped name missing in " + html);
    }
    if (expectText) {
      assertTrue(html.contains(EVIL_TEXT_ESCAPED), "escaped text missing in " + html);
    }
  }

  @Test
  void theRoomPagePaintsHistoryAndRosterThenResumesAfterThem(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] ws = new WsTestClient[1];
    List<JsonObject> sent = new ArrayList<>();
    WsTestClient.live(vertx, hub.port, "paint", "alice")
        .compose(alice -> {
          ws[0] = alice;
          alice.chat("first line");
          return alice.skipTo("chat");
        })
        .compose(chat -> {
          sent.add(chat);
          ws[0].chat("second line");
          return ws[0].skipTo("chat");
        })
        .compose(chat -> {
          sent.add(chat);
          return page("/rooms/paint");
        })
        .compose(html -> {
          assertTrue(html.contains("<li id=\"msg-" + sent.get(0).getString("id") + "\""), html);
          assertTrue(html.indexOf("first line") < html.indexOf("second line"), "oldest first");
          assertTrue(html.contains("<li>alice</li>"), "the roster is painted: " + html);
          assertTrue(html.matches("(?s).*sse-connect=\"/rooms/paint/events\\?lastEventId=" + sent.get(1).getLong("seq")
                  + "&amp;epoch=[A-Za-z0-9_-]+\".*"),
              "the live stream resumes after the last painted event, in the painted history's epoch: " + html);
          assertTrue(html.contains("method=\"post\" action=\"/rooms/paint/messages\""), "a form that works without JavaScript");
          assertTrue(html.contains("hx-post=\"/rooms/paint/messages\""));
          Matcher scripts = Pattern.compile("<script src=\"(/assets/[^\"]+)\"").matcher(html);
          List<Future<HttpResponse<Buffer>>> assets = new ArrayList<>();
          while (scripts.find()) {
            assets.add(get(scripts.group(1)));
          }
          assertEquals(2, assets.size(), "htmx and its SSE extension");
          return Future.all(assets);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> script = all.resultAt(i);
            assertEquals(200, script.statusCode());
            assertTrue(script.getHeader("Content-Type").contains("javascript"), script.getHeader("Content-Type"));
            assertTrue(script.bodyAsString().contains("htmx"));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void xssPayloadsComeOutEscapedInThePageTheFragmentsAndTheDashboard(Vertx vertx, VertxTestContext ctx) {
    SseTestClient[] sse = new SseTestClient[2];
    WsTestClient[] ws = new WsTestClient[1];
    SseTestClient.connect(vertx, hub.port, "/rooms/xss/events")
        .compose(html -> {
          sse[0] = html;
          return html.expect("roster").compose(r -> html.expect("history"));
        })
        .compose(r -> WsTestClient.joined(vertx, hub.port, "xss", EVIL_NAME))
        .compose(evil -> {
          ws[0] = evil;
          evil.chat(EVIL_TEXT);
          return Future.all(sse[0].expect("joined"), sse[0].expect("roster"), sse[0].expect("chat"));
        })
        .compose(fragments -> {
          SseTestClient.Event joined = fragments.resultAt(0);
          SseTestClient.Event roster = fragments.resultAt(1);
          SseTestClient.Event chat = fragments.resultAt(2);
          assertEscaped(joined.data(), true, false);
          assertEscaped(roster.data(), true, false);
          assertEscaped(chat.data(), true, true);
          return page("/rooms/xss");
        })
        .compose(roomPage -> {
          assertEscaped(roomPage, true, true);
          // The name also comes back in the form, from the cookie a post sets.
          return Forms.post(web, hub.port, "/rooms/xss", "/rooms/xss/messages",
              MultiMap.caseInsensitiveMultiMap().add("username", EVIL_NAME + "2").add("text", EVIL_TEXT), null, false);
        })
        .compose(posted -> {
          assertEquals(303, posted.statusCode());
          return web.get(hub.port, "127.0.0.1", "/rooms/xss").putHeader("Cookie", Forms.setCookie(posted, "hubbub_username").split(";")[0]).send();
        })
        .compose(withCookie -> {
          String html = withCookie.bodyAsString();
          // In a quoted attribute value jte escapes what could end it or start markup ('<', '"', '&'); '>' is harmless there.
          assertTrue(html.contains("name=\"username\" value=\"&lt;img src=x onerror=alert(1)>2\""), html);
          assertEscaped(html, true, true);
          return StatsProbe.await(vertx, s -> s.getJsonArray("rooms").stream()
              .anyMatch(r -> ((JsonObject) r).getString("room").equals("xss") && ((JsonObject) r).getLong("messages") == 2));
        })
        .compose(s -> page("/dashboard"))
        .compose(dashboard -> {
          assertEscaped(dashboard, true, true);
          return SseTestClient.connect(vertx, hub.port, "/dashboard/events");
        })
        .compose(stream -> {
          sse[1] = stream;
          return stream.expect("stats");
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEscaped(stats.data(), true, true);
          ctx.completeNow();
        })));
  }

  /** Beyond Latin-1 and the basic plane: the room page is rendered straight to UTF-8 bytes. */
  private static final String NO_JS_TEXT = "no JavaScript needed: Grüße, Ελληνικά, 日本語, 🙂";

  @Test
  void aPlainFormPostRedirectsBackAndTheNameIsRemembered(Vertx vertx, VertxTestContext ctx) {
    Forms.post(web, hub.port, "/rooms/nojs", "/rooms/nojs/messages",
            MultiMap.caseInsensitiveMultiMap().add("username", "grace").add("text", NO_JS_TEXT), null, false)
        .compose(response -> {
          assertEquals(303, response.statusCode());
          assertEquals("/rooms/nojs", response.getHeader("Location"));
          String cookie = Forms.setCookie(response, "hubbub_username");
          assertTrue(cookie.contains("HTTPOnly") && cookie.contains("SameSite=Lax"), cookie);
          return web.get(hub.port, "127.0.0.1", response.getHeader("Location")).putHeader("Cookie", cookie.split(";")[0]).send();
        })
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          String html = page.bodyAsString();
          assertEquals(200, page.statusCode());
          assertTrue(html.contains(NO_JS_TEXT), "the page is rendered as UTF-8 bytes, every script intact: " + html);
          assertTrue(html.contains("name=\"username\" value=\"grace\""), html);
          ctx.completeNow();
        })));
  }

  @Test
  void theDashboardShowsRoomsConnectionsAndRatesLive(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] ws = new WsTestClient[1];
    SseTestClient[] sse = new SseTestClient[2];
    WsTestClient.live(vertx, hub.port, "dash", "henry")
        .compose(henry -> {
          ws[0] = henry;
          henry.chat("counting");
          return henry.skipTo("chat");
        })
        .compose(chat -> StatsProbe.await(vertx, s -> s.getDouble("messagesPerSecond") > 0
            && StatsProbe.connections(s, ConnectionReporter.WEBSOCKET) == 1))
        .compose(snapshot -> {
          JsonObject room = snapshot.getJsonArray("rooms").getJsonObject(0);
          assertEquals(new JsonObject().put("room", "dash").put("users", 1).put("messages", 1).put("lastSeq", 1)
              .put("last", new JsonObject().put("username", "henry").put("text", "counting")), room);
          return page("/dashboard");
        })
        .compose(html -> {
          assertTrue(html.contains("<a href=\"/rooms/dash\">dash</a>"), html);
          assertTrue(html.contains("WebSocket connections"), html);
          assertTrue(html.contains("sse-connect=\"/dashboard/events\""), html);
          return SseTestClient.connect(vertx, hub.port, "/dashboard/events?format=json");
        })
        .compose(json -> {
          sse[0] = json;
          return json.expect("stats");
        })
        .compose(first -> {
          assertEquals(1, StatsProbe.connections(first.json(), ConnectionReporter.SSE), "the stream counts itself");
          // Then one per interval, live: a second watcher shows up in the next ones.
          return SseTestClient.connect(vertx, hub.port, "/dashboard/events");
        })
        .compose(html -> {
          sse[1] = html;
          return waitForSse(sse[0], 2);
        })
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  private static Future<Void> waitForSse(SseTestClient client, int connections) {
    return client.expect("stats").compose(e -> StatsProbe.connections(e.json(), ConnectionReporter.SSE) == connections
        ? Future.succeededFuture()
        : waitForSse(client, connections));
  }

  @Test
  void theSearchBoxFindsTextIgnoringCaseWithOrWithoutJavaScript(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.live(vertx, hub.port, "find", EVIL_NAME)
        .compose(author -> {
          author.chat("Apple pie " + EVIL_TEXT);
          author.chat("banana bread");
          author.chat("an APPLE a day");
          return author.skipTo("chat").compose(x -> author.skipTo("chat")).compose(x -> author.skipTo("chat"));
        })
        .compose(x -> page("/rooms/find"))
        .compose(roomPage -> {
          assertTrue(roomPage.contains("hx-get=\"/rooms/find/search\""), "the room page has a search box: " + roomPage);
          assertTrue(roomPage.contains("action=\"/rooms/find/search\""), "that also works as a plain form");
          return web.get(hub.port, "127.0.0.1", "/rooms/find/search?q=apple").putHeader("HX-Request", "true").send();
        })
        .compose(fragment -> {
          assertEquals(200, fragment.statusCode());
          String html = fragment.bodyAsString();
          assertFalse(html.contains("<html"), "htmx gets a fragment, not a page");
          assertTrue(html.contains("2 matches"), html);
          assertTrue(html.contains("an APPLE a day") && html.indexOf("Apple pie") < html.indexOf("an APPLE a day"), html);
          assertFalse(html.contains("banana"), html);
          assertEscaped(html, true, true);
          return page("/rooms/find/search?q=BANANA");
        })
        .compose(fullPage -> {
          assertTrue(fullPage.contains("<html"), "a browser without JavaScript gets a whole page");
          assertTrue(fullPage.contains("1 match for"), fullPage);
          assertTrue(fullPage.contains("banana bread"), fullPage);
          return get("/rooms/find/search?q=" + "x".repeat(201));
        })
        .onComplete(ctx.succeeding(tooLong -> ctx.verify(() -> {
          assertEquals(400, tooLong.statusCode());
          assertTrue(tooLong.bodyAsString().contains("role=\"alert\""), tooLong.bodyAsString());
          ctx.completeNow();
        })));
  }
}
