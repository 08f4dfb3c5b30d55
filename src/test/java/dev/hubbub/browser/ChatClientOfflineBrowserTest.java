package dev.hubbub.browser;

import dev.hubbub.support.Browsers;
import dev.hubbub.support.ChatPage;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JS client with the hub gone: the outbox, the service worker's offline start, reloads. */
@ExtendWith(VertxExtension.class)
class ChatClientOfflineBrowserTest {

  private TestHub hub;
  private final Browsers browsers = new Browsers();

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeBrowsers() {
    browsers.quitAll();
  }

  private ChatPage page() {
    ChromeDriver browser = browsers.open();
    return new ChatPage(browser);
  }

  private void stopHub(Vertx vertx) throws Exception {
    hub.stop(vertx).await(20, TimeUnit.SECONDS);
  }

  private void startHubAgain(Vertx vertx) throws Exception {
    hub = TestHub.start(vertx, hub.config, hub.port).await(20, TimeUnit.SECONDS);
  }

  @Test
  void messagesWrittenWhileTheHubIsDownAreSentOnceOnReconnect(Vertx vertx) throws Exception {
    ChatPage alice = page().open(hub.port).join("alice", "outbox").awaitJoined();
    ChatPage bob = page().open(hub.port).join("bob", "outbox").awaitJoined();

    stopHub(vertx);
    alice.until(d -> !"joined".equals(alice.state()));
    List<String> offline = List.of("first while down", "second while down", "third while down");
    offline.forEach(alice::say);
    alice.until(d -> alice.texts().containsAll(offline));
    for (String text : offline) {
      assertEquals("pending", alice.statusOf(text), text);
    }
    assertTrue(alice.browser().findElement(By.id("pending")).getText().contains("3"));

    startHubAgain(vertx);
    alice.until(ChatPage.RECONNECT_WAIT, d -> offline.stream().allMatch(t -> "sent".equals(alice.statusOf(t))));
    bob.until(ChatPage.RECONNECT_WAIT, d -> bob.texts().containsAll(offline));
    for (String text : offline) {
      assertEquals(1, Collections.frequency(bob.texts(), text), "bob sees '" + text + "' once");
      assertEquals(1, Collections.frequency(alice.texts(), text), "alice sees '" + text + "' once");
      assertEquals(1, Collections.frequency(ChatPage.storedTexts(hub.port, "outbox"), text), "stored once: " + text);
    }
    assertEquals(offline, bob.texts().stream().filter(offline::contains).toList(), "in the order written");
  }

  @Test
  void theChatOpensWithRecentMessagesWhileTheHubIsUnreachable(Vertx vertx) throws Exception {
    ChatPage alice = page().open(hub.port).join("alice", "offline").awaitJoined();
    alice.say("kept for offline");
    alice.until(d -> "sent".equals(alice.statusOf("kept for offline")));
    // The service worker controls the page and the room's snapshot is saved.
    alice.until(d -> Boolean.TRUE.equals(alice.asyncScript("""
        const done = arguments[arguments.length - 1];
        if (!navigator.serviceWorker.controller) return done(false);
        caches.open('hubbub-history-v1').then(c => c.match('/api/rooms/offline/messages?limit=50'))
          .then(r => r ? r.json() : { messages: [] })
          .then(b => done(b.messages.some(m => m.text === 'kept for offline')), () => done(false));""")));

    stopHub(vertx);
    alice.browser().navigate().refresh();
    alice.until(d -> alice.texts().contains("kept for offline"));
    assertEquals("#offline", alice.browser().findElement(By.id("room-title")).getText());
    alice.until(d -> !"connected".equals(d.findElement(By.id("status")).getDomAttribute("data-status")));

    startHubAgain(vertx);
    alice.awaitJoined(ChatPage.RECONNECT_WAIT);
    assertEquals(1, Collections.frequency(alice.texts(), "kept for offline"));
  }

  @Test
  void aReloadRejoinsTheLastRoomUnderTheSameName() {
    ChatPage carol = page().open(hub.port).join("carol", "lobby").awaitJoined();
    carol.say("before reload");
    carol.until(d -> "sent".equals(carol.statusOf("before reload")));
    carol.browser().navigate().refresh();
    carol.awaitJoined();
    WebDriver b = carol.browser();
    assertEquals("#lobby", b.findElement(By.id("room-title")).getText());
    assertEquals("carol", b.findElement(By.id("username")).getDomProperty("value"));
    carol.until(d -> carol.texts().contains("before reload"));
    assertEquals(1, Collections.frequency(carol.texts(), "before reload"));
    carol.say("after reload");
    carol.until(d -> "sent".equals(carol.statusOf("after reload")));
  }
}
