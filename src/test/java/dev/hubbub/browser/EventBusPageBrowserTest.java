package dev.hubbub.browser;

import dev.hubbub.support.Browser;
import dev.hubbub.support.ChatPage;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /eventbus.html: replayed deletions and live edits are shown, the placeholder follows the room, a seq gap is filled. */
@ExtendWith(VertxExtension.class)
class EventBusPageBrowserTest {

  private TestHub hub;
  private ChromeDriver browser;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void deletedAndEditedMessagesShowTheirCurrentState() {
    JsonObject who = new JsonObject().put("username", "eve");
    String gone = ChatPage.rest(hub.port, "POST", "/api/rooms/bus/messages", who.copy().put("text", "to be deleted")).getString("id");
    String kept = ChatPage.rest(hub.port, "POST", "/api/rooms/bus/messages", who.copy().put("text", "to be edited")).getString("id");
    ChatPage.rest(hub.port, "DELETE", "/api/rooms/bus/messages/" + gone, who);

    browser = Browser.open();
    browser.get("http://127.0.0.1:" + hub.port + "/eventbus.html");
    browser.findElement(By.id("username")).sendKeys("watcher");
    browser.findElement(By.id("room")).clear();
    browser.findElement(By.id("room")).sendKeys("bus");
    browser.findElement(By.id("join")).click();
    ChatPage page = new ChatPage(browser);
    page.until(d -> page.texts().size() == 2);
    assertEquals(List.of("message deleted", "to be edited"), page.texts());
    assertEquals("Message #bus as watcher", browser.findElement(By.id("text")).getDomAttribute("placeholder"));

    ChatPage.rest(hub.port, "PATCH", "/api/rooms/bus/messages/" + kept, who.copy().put("text", "edited live"));
    page.until(d -> page.texts().contains("edited live"));
    assertTrue(browser.findElements(By.cssSelector(".nav a")).size() >= 2);
  }
  @Test
  void aJumpInSeqIsFilledFromHistoryBeforeLaterEventsAreShown() {
    browser = Browser.open();
    browser.get("http://127.0.0.1:" + hub.port + "/eventbus.html");
    // Lose every live delivery carrying "DROPME", as a broken fan-out would: the page must notice the jump.
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("""
        const register = EventBus.prototype.registerHandler;
        EventBus.prototype.registerHandler = function (address, headers, callback) {
          return register.call(this, address, headers, (err, m) => {
            if (m && m.body && String(m.body.text || '').includes('DROPME')) return;
            return callback(err, m);
          });
        };""");
    browser.findElement(By.id("username")).sendKeys("watcher");
    browser.findElement(By.id("room")).clear();
    browser.findElement(By.id("room")).sendKeys("busgap");
    browser.findElement(By.id("join")).click();
    ChatPage page = new ChatPage(browser);
    JsonObject poster = new JsonObject().put("username", "poster");
    ChatPage.rest(hub.port, "POST", "/api/rooms/busgap/messages", poster.copy().put("text", "one"));
    page.until(d -> page.texts().contains("one"));
    ChatPage.rest(hub.port, "POST", "/api/rooms/busgap/messages", poster.copy().put("text", "DROPME two"));
    ChatPage.rest(hub.port, "POST", "/api/rooms/busgap/messages", poster.copy().put("text", "three"));
    page.until(d -> page.texts().contains("three"));
    assertEquals(List.of("one", "DROPME two", "three"), page.texts());
  }
}
