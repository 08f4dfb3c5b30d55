package dev.hubbub.browser;

import dev.hubbub.support.Browsers;
import dev.hubbub.support.ChatPage;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JS client's joins (refusals, names per tab), its seq gap fill, and everyday chat expectations. */
@ExtendWith(VertxExtension.class)
class ChatClientJoinBrowserTest {

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

  private ChromeDriver browser() {
    return browsers.open();
  }

  @Test
  void aRefusedJoinEndsInAClearStateWithTheReasonNextToTheField(Vertx vertx) throws Exception {
    WsTestClient.joined(vertx, hub.port, "general", "alice").await(10, TimeUnit.SECONDS);
    ChatPage page = new ChatPage(browser()).open(hub.port).join("alice", "general");
    page.until(b -> "refused".equals(page.state()));
    WebDriver b = page.browser();
    WebElement error = b.findElement(By.id("join-error"));
    assertTrue(error.isDisplayed());
    assertTrue(error.getText().contains("already taken"), error.getText());
    assertEquals("true", b.findElement(By.id("username")).getDomAttribute("aria-invalid"));
    assertEquals("disconnected", b.findElement(By.id("status")).getDomAttribute("data-status"));
    assertEquals("not joined", b.findElement(By.id("status")).getText());
    assertFalse(b.findElement(By.id("leave")).isEnabled(), "nothing to leave");
    assertEquals("", b.findElement(By.id("room-title")).getText());
    assertEquals("Hubbub", b.getTitle());

    // A bad room name: the reason is shown at the room field; a good join afterwards clears it.
    page.join("carol", "no spaces allowed");
    page.until(d -> d.findElement(By.id("join-error")).getText().contains("room must be"));
    assertEquals("true", b.findElement(By.id("room")).getDomAttribute("aria-invalid"));
    page.join("carol", "general").awaitJoined();
    assertFalse(b.findElement(By.id("join-error")).isDisplayed());
    assertEquals("#general", b.findElement(By.id("room-title")).getText());
    assertEquals(b.findElement(By.id("text")), b.switchTo().activeElement(), "focus moves to the message box");
  }

  @Test
  void twoTabsOfOneBrowserChatWithoutEditingNames() {
    ChromeDriver browser = browser();
    ChatPage first = new ChatPage(browser).open(hub.port).join("alice", "general").awaitJoined();
    String firstTab = browser.getWindowHandle();

    // The second tab finds "alice" pre-filled (the browser's last name) and just presses Join.
    browser.switchTo().newWindow(WindowType.TAB);
    ChatPage second = new ChatPage(browser).open(hub.port);
    assertEquals("alice", browser.findElement(By.id("username")).getDomProperty("value"));
    second.join(null, null).awaitJoined();
    String secondName = browser.findElement(By.id("username")).getDomProperty("value");
    assertEquals("alice-2", secondName);
    second.say("hello from the second tab");

    browser.switchTo().window(firstTab);
    first.until(d -> first.texts().contains("hello from the second tab"));
    first.until(d -> "2".equals(d.findElement(By.id("user-count")).getText()));
  }

  @Test
  void aJumpInSeqIsFilledFromHistoryBeforeLaterEventsAreShown() {
    ChromeDriver browser = browser();
    // Lose every live frame carrying "DROPME", as a broken fan-out would.
    browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
        const add = WebSocket.prototype.addEventListener;
        WebSocket.prototype.addEventListener = function (type, fn, opts) {
          if (type !== 'message') return add.call(this, type, fn, opts);
          return add.call(this, type, function (ev) {
            if (typeof ev.data === 'string' && ev.data.includes('DROPME')) return;
            return fn.call(this, ev);
          }, opts);
        };"""));
    ChatPage page = new ChatPage(browser).open(hub.port).join("watcher", "gaps").awaitJoined();
    ChatPage.post(hub.port, "gaps", "poster", "one");
    page.until(d -> page.texts().contains("one"));
    ChatPage.post(hub.port, "gaps", "poster", "DROPME two");
    ChatPage.post(hub.port, "gaps", "poster", "three");
    page.until(d -> page.texts().contains("three"));
    assertEquals(List.of("one", "DROPME two", "three"), page.texts());
  }

  @Test
  void everydayChatLinesEnterShiftEnterCounterLinksAndInlineEditAndDelete() {
    ChromeDriver browser = browser();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 720));
    ChatPage.post(hub.port, "everyday", "sam", "hi dora, the notes are at https://example.com/notes");
    ChatPage page = new ChatPage(browser).open(hub.port).join("dora", "everyday").awaitJoined();
    WebDriver b = page.browser();
    WebElement text = b.findElement(By.id("text"));
    text.sendKeys("line one", Keys.chord(Keys.SHIFT, Keys.ENTER), "line two", Keys.ENTER);
    page.until(d -> page.texts().contains("line one\nline two"));
    page.until(d -> "sent".equals(page.statusOf("line one\nline two")));

    page.say("see https://example.com/a?b=1. and <b>this</b>");
    page.until(d -> d.findElements(By.cssSelector("#messages a.msg-link")).size() == 2);
    List<WebElement> links = b.findElements(By.cssSelector("#messages a.msg-link"));
    WebElement link = links.get(1);
    assertEquals("https://example.com/a?b=1", link.getDomAttribute("href"));
    assertTrue(link.getDomAttribute("rel").contains("noopener"));
    assertTrue(b.findElements(By.cssSelector("#messages b")).isEmpty(), "markup stays text");

    // Near the limit a counter shows; past it Send is disabled and nothing is cut.
    page.script("const t = document.getElementById('text'); t.value = 'x'.repeat(3700); t.dispatchEvent(new Event('input'));");
    assertEquals("3700/4000", b.findElement(By.id("counter")).getText());
    page.script("const t = document.getElementById('text'); t.value = 'x'.repeat(4100); t.dispatchEvent(new Event('input'));");
    assertFalse(b.findElement(By.id("send")).isEnabled());
    text.sendKeys(Keys.ENTER);
    assertEquals(4100, ((Number) page.script("return document.getElementById('text').value.length")).intValue());
    page.script("const t = document.getElementById('text'); t.value = ''; t.dispatchEvent(new Event('input'));");

    // Inline edit: Enter saves.
    WebElement line = b.findElement(By.cssSelector("#messages li.msg[data-status='sent']"));
    page.script("arguments[0].querySelector('.msg-edit').click()", line);
    WebElement editor = line.findElement(By.cssSelector(".msg-editor textarea"));
    editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), "edited inline", Keys.ENTER);
    page.until(d -> page.texts().contains("edited inline"));
    assertFalse(line.findElements(By.cssSelector(".msg-edited")).isEmpty());

    // Inline delete: asks in place, then deletes.
    page.script("arguments[0].querySelector('.msg-delete').click()", line);
    line.findElement(By.cssSelector(".msg-confirm-yes")).click();
    page.until(d -> page.texts().contains("message deleted"));
    assertTrue(b.findElements(By.cssSelector("#messages li.day")).size() == 1, "one day separator for today");
    ChatPage.screenshot(b, "chat-client");
  }
}
