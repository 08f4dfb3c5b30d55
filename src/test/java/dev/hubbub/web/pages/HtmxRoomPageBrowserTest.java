package dev.hubbub.web.pages;

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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The htmx room page in Chromium: opens at the newest, shows its stream state, survives a hub restart. */
@ExtendWith(VertxExtension.class)
class HtmxRoomPageBrowserTest {

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

  private ChatPage open(String room) {
    ChromeDriver browser = browsers.open();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 760));
    browser.get("http://127.0.0.1:" + hub.port + "/rooms/" + room);
    return new ChatPage(browser);
  }

  private static List<String> lines(ChatPage page) {
    @SuppressWarnings("unchecked")
    List<String> texts = (List<String>) page.script(
        "return Array.from(document.querySelectorAll('#messages li.msg .text'), n => n.textContent)");
    return texts;
  }

  private static String streamState(ChatPage page) {
    return page.browser().findElement(By.id("stream-state")).getDomAttribute("data-state");
  }

  private static void post(ChatPage page, String text) {
    WebElement field = page.browser().findElement(By.cssSelector("#post-form input[name='text']"));
    field.clear();
    field.sendKeys(text);
    page.browser().findElement(By.cssSelector("#post-form button[type='submit']")).click();
  }

  @Test
  void thePageOpensAtTheNewestMessageWithLocalTimes() {
    for (int i = 1; i <= 45; i++) {
      ChatPage.post(hub.port, "long", "poster", "message " + i);
    }
    ChatPage page = open("long");
    page.until(d -> "connected".equals(streamState(page)));
    boolean newestVisible = (Boolean) page.script("""
        const list = document.getElementById('messages');
        const last = list.querySelector('li.msg:last-of-type').getBoundingClientRect();
        const box = list.getBoundingClientRect();
        return list.scrollHeight > list.clientHeight && last.bottom <= box.bottom + 1 && last.top >= box.top;""");
    assertTrue(newestVisible, "the newest message is in view");
    String time = page.browser().findElement(By.cssSelector("#messages li.msg time")).getText();
    assertFalse(time.contains("UTC"), "local time replaces the server's UTC: " + time);
  }

  @Test
  void aPostFromAnOpenPageWorksAfterTheHubRestartsAndTheStateIsShownWhileDown(Vertx vertx) throws Exception {
    ChatPage page = open("restart");
    page.until(d -> "connected".equals(streamState(page)));
    page.browser().findElement(By.cssSelector("#post-form input[name='username']")).sendKeys("hannah");
    post(page, "before the restart");
    page.until(d -> lines(page).contains("before the restart"));

    hub.stop(vertx).await(20, TimeUnit.SECONDS);
    page.until(d -> !"connected".equals(streamState(page)));
    post(page, "while the hub is down");
    page.until(d -> d.findElement(By.id("post-status")).getText().startsWith("Not sent"));
    assertEquals("while the hub is down",
        page.browser().findElement(By.cssSelector("#post-form input[name='text']")).getDomProperty("value"), "the text is kept");
    ChatPage.screenshot(page.browser(), "htmx-page-down");

    // A new process: its CSRF secret differs (none is configured), so the page's token no longer verifies.
    hub = TestHub.start(vertx, hub.config, hub.port).await(20, TimeUnit.SECONDS);
    page.until(ChatPage.RECONNECT_WAIT, d -> "connected".equals(streamState(page)));
    post(page, "after the restart");
    page.until(d -> lines(page).contains("after the restart"));
    assertEquals(1, Collections.frequency(lines(page), "after the restart"));
    assertTrue(page.browser().findElements(By.cssSelector("#post-form")).size() == 1, "the form is still a form");
    assertFalse(page.browser().getPageSource().contains("{\"error\""), "no raw JSON in the page");
    assertEquals(1, Collections.frequency(ChatPage.storedTexts(hub.port, "restart"), "after the restart"));
    page.until(d -> d.findElement(By.cssSelector("#post-form input[name='text']")).getDomProperty("value").isEmpty());
  }

  @Test
  void authorsEditAndDeleteTheirOwnMessagesFromThePage() {
    ChatPage page = open("own");
    page.until(d -> "connected".equals(streamState(page)));
    page.browser().findElement(By.cssSelector("#post-form input[name='username']")).sendKeys("ivy");
    post(page, "my typo");
    page.until(d -> lines(page).contains("my typo"));
    ChatPage.post(hub.port, "own", "someone-else", "not mine");
    page.until(d -> lines(page).contains("not mine"));
    List<WebElement> own = page.browser().findElements(By.cssSelector("#messages li.msg .actions"));
    assertEquals(1, own.size(), "actions only on my message");

    page.browser().findElement(By.cssSelector("#messages li.msg .actions .edit")).click();
    WebElement input = page.browser().findElement(By.cssSelector("#messages li.msg .editor input"));
    input.clear();
    input.sendKeys("my fixed text\n");
    page.until(d -> lines(page).contains("my fixed text"));
    ChatPage.screenshot(page.browser(), "htmx-page");

    page.browser().findElement(By.cssSelector("#messages li.msg .actions .delete")).click();
    page.browser().findElement(By.cssSelector("#messages li.msg .actions .confirm")).click();
    page.until(d -> !d.findElements(By.cssSelector("#messages li.msg .gone")).isEmpty());
  }
}
