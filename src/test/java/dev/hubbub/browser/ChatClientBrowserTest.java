package dev.hubbub.browser;

import dev.hubbub.Hub;
import dev.hubbub.support.Browser;
import dev.hubbub.support.Browsers;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JS chat client in real headless Chromium: two people chat, hostile text stays text, reconnects rejoin. */
@ExtendWith(VertxExtension.class)
class ChatClientBrowserTest {

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

  private ChromeDriver joinAs(String username, String room) {
    ChromeDriver browser = browsers.open();
    browser.get("http://127.0.0.1:" + hub.port + "/");
    WebElement name = browser.findElement(By.id("username"));
    name.clear();
    name.sendKeys(username);
    WebElement roomField = browser.findElement(By.id("room"));
    roomField.clear();
    roomField.sendKeys(room);
    browser.findElement(By.id("join")).click();
    waitFor(browser, "body[data-state='joined']");
    return browser;
  }

  private static void waitFor(WebDriver browser, String css) {
    new WebDriverWait(browser, Browser.WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  private static void waitForText(WebDriver browser, String css, String text) {
    new WebDriverWait(browser, Browser.WAIT).until(ExpectedConditions.textToBe(By.cssSelector(css), text));
  }

  private static void say(WebDriver browser, String text) {
    WebElement input = browser.findElement(By.id("text"));
    input.sendKeys(text);
    browser.findElement(By.id("send")).click();
  }

  /** Read in one script call: the list is re-rendered on rejoin, so an element found first can be stale by the read. */
  private static String lastMessageText(WebDriver browser) {
    Object text = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "const t = document.querySelectorAll('#messages li.msg .msg-text');"
            + "return t.length ? t[t.length - 1].innerText : '';");
    return text == null ? "" : text.toString();
  }

  @Test
  void twoTabsChatAndTheRosterFollows() {
    ChromeDriver alice = joinAs("alice", "general");
    ChromeDriver bob = joinAs("bob", "general");
    waitForText(alice, "#user-count", "2");
    waitForText(bob, "#user-count", "2");

    say(alice, "hello from alice");
    new WebDriverWait(bob, Browser.WAIT).until(b -> lastMessageText(b).equals("hello from alice"));
    say(bob, "hi alice");
    new WebDriverWait(alice, Browser.WAIT).until(b -> lastMessageText(b).equals("hi alice"));
    assertEquals("", alice.findElement(By.id("text")).getAttribute("value"), "the send box is cleared");

    bob.quit();
    browsers.forget(bob);
    waitForText(alice, "#user-count", "1");
  }

  @Test
  void hostileTextIsShownAsTextAndNeverRun() {
    ChromeDriver alice = joinAs("alice", "general");
    ChromeDriver mallory = joinAs("<img src=x onerror=alert(1)>", "general");
    String payload = "<img src=x onerror=\"document.body.dataset.pwned=1\"></script><b>bold</b>";
    say(mallory, payload);
    new WebDriverWait(alice, Browser.WAIT).until(b -> lastMessageText(b).equals(payload));

    assertTrue(alice.findElements(By.cssSelector("#messages img, #messages b, #users img")).isEmpty(), "no markup was created");
    assertEquals(null, alice.findElement(By.tagName("body")).getDomAttribute("data-pwned"));
    List<String> users = alice.findElements(By.cssSelector("#users li")).stream().map(WebElement::getText).toList();
    assertTrue(users.stream().anyMatch(u -> u.contains("<img src=x onerror=alert(1)>")), users.toString());
  }

  @Test
  void theClientReconnectsAndRejoinsAfterTheHubRestarts(Vertx vertx) throws Exception {
    ChromeDriver alice = joinAs("alice", "general");
    say(alice, "before restart");
    new WebDriverWait(alice, Browser.WAIT).until(b -> lastMessageText(b).equals("before restart"));

    // Stop every verticle (connections drop), then bring a hub back on the same port.
    vertx.undeploy(hub.deploymentId).await(10, TimeUnit.SECONDS);
    new WebDriverWait(alice, Browser.WAIT).until(b -> !"joined".equals(b.findElement(By.tagName("body")).getDomAttribute("data-state")));
    vertx.deployVerticle(new Hub(), new DeploymentOptions().setConfig(hub.config)).await(10, TimeUnit.SECONDS);

    new WebDriverWait(alice, java.time.Duration.ofSeconds(40)).until(b ->
        "joined".equals(b.findElement(By.tagName("body")).getDomAttribute("data-state")));
    say(alice, "after restart");
    new WebDriverWait(alice, Browser.WAIT).until(b -> lastMessageText(b).equals("after restart"));
  }

  @Test
  void theEventBusPageChatsWithWebSocketClientsOverSockJs(Vertx vertx) throws Exception {
    WsTestClient ws = WsTestClient.live(vertx, hub.port, "general", "ws-user")
        .await(10, TimeUnit.SECONDS);
    ChromeDriver page = browsers.open();
    page.get("http://127.0.0.1:" + hub.port + "/eventbus.html");
    page.findElement(By.id("username")).sendKeys("sockjs-user");
    page.findElement(By.id("join")).click();
    waitFor(page, "body[data-state='listening']");

    say(page, "hello over sockjs");
    JsonObject chat = ws.skipTo("chat").await(20, TimeUnit.SECONDS);
    assertEquals("sockjs-user", chat.getString("username"));
    assertEquals("hello over sockjs", chat.getString("text"));

    ws.chat("hello back <b>over</b> websocket");
    new WebDriverWait(page, Browser.WAIT).until(b -> lastMessageText(b).equals("hello back <b>over</b> websocket"));
    assertTrue(page.findElements(By.cssSelector("#messages b")).isEmpty());
  }
}
