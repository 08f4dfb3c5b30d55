package dev.hubbub.bridge.eventbus;

import dev.hubbub.support.Browser;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real sockjs-client (the WebJar the hub serves) in headless Chromium, forced onto each transport it
 * can use in a browser, reads a room feed and sends chat commands through the SockJS bridge, and chats with
 * a WebSocket client. The IE-only xdr transports are the only ones Chromium cannot run.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SockJsTransportsBrowserTest {

  private static final long WAIT_SECONDS = 60;

  /** Opens a SockJS connection on one transport, registers the room feed and sends a chat; resolves on its ack. */
  private static final String OPEN_AND_SEND = """
      const [url, transport, room, text, done] = arguments;
      const frames = [];
      const sock = new SockJS(url, null, {transports: [transport]});
      window.hub = {sock, frames};
      const waitFor = (test, result) => {
        const check = () => { const hit = frames.find(test); if (hit) { clearInterval(timer); done(result(hit)); } };
        const timer = setInterval(check, 50);
      };
      sock.onmessage = (e) => frames.push(JSON.parse(e.data));
      sock.onclose = (e) => done({closed: e.code + ' ' + e.reason});
      sock.onopen = () => {
        sock.send(JSON.stringify({type: 'register', address: 'hubbub.room.' + room}));
        sock.send(JSON.stringify({type: 'send', address: 'hubbub.cmd.chat', replyAddress: 'ack-1',
            body: {room, username: 'sockjs-user', text}}));
        waitFor((f) => f.address === 'ack-1', (ack) => ({transport: sock.transport, ack: JSON.stringify(ack)}));
      };
      """;

  /** Resolves with the first delivered chat event whose text is the one given. */
  private static final String RECEIVE = """
      const [text, done] = arguments;
      const timer = setInterval(() => {
        const hit = window.hub.frames.find((f) => f.type === 'rec' && f.body && f.body.text === text);
        if (hit) { clearInterval(timer); window.hub.sock.close(); done(JSON.stringify(hit.body)); }
      }, 50);
      """;

  private static TestHub hub;
  private static ChromeDriver browser;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    hub = TestHub.start(vertx).await(WAIT_SECONDS, TimeUnit.SECONDS);
    browser = Browser.open();
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(WAIT_SECONDS));
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.quit();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling", "eventsource", "iframe-eventsource",
      "htmlfile", "iframe-htmlfile", "iframe-xhr-polling", "jsonp-polling"})
  void sockJsClientReadsAndSendsOnEveryTransport(String transport, Vertx vertx) throws Exception {
    String room = "sockjs-" + transport;
    WsTestClient ws = WsTestClient.live(vertx, hub.port, room, "ws-user").await(WAIT_SECONDS, TimeUnit.SECONDS);
    // Any same-origin page of the hub that loads sockjs-client from its WebJar will do.
    browser.get("http://127.0.0.1:" + hub.port + "/eventbus.html");

    Object opened = browser.executeAsyncScript(OPEN_AND_SEND, "/eventbus", transport, room, "sent over " + transport);
    Map<?, ?> result = opened instanceof Map<?, ?> m ? m : Map.of("unexpected", String.valueOf(opened));
    assertEquals(transport, result.get("transport"), "connection: " + result);
    JsonObject ack = new JsonObject((String) result.get("ack")).getJsonObject("body");
    assertEquals(1L, ack.getLong("seq"), ack.encode());

    JsonObject chat = ws.skipTo("chat").await(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals("sockjs-user", chat.getString("username"));
    assertEquals("sent over " + transport, chat.getString("text"));

    ws.chat("read over " + transport);
    JsonObject delivered = new JsonObject((String) browser.executeAsyncScript(RECEIVE, "read over " + transport));
    assertEquals("ws-user", delivered.getString("username"));
    assertEquals(2L, delivered.getLong("seq"));
    ws.close();
  }
}
