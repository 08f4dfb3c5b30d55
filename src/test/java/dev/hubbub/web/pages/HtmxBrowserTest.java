package dev.hubbub.web.pages;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Events;
import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The htmx room page and the JS chat client talking to each other in a real (headless) Chromium.
 * Skipped where Debian's chromium and chromium-driver are not installed.
 */
@ExtendWith(VertxExtension.class)
class HtmxBrowserTest {

  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(15);

  private TestHub hub;
  private final List<WebDriver> browsers = new ArrayList<>();

  @BeforeEach
  void startHub(Vertx vertx) throws Exception {
    assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "chromium and chromedriver are not installed");
    hub = TestHub.start(vertx, new JsonObject().put("stats", new JsonObject().put("intervalMs", 50)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(WebDriver::quit);
  }

  private WebDriver browser() {
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    browsers.add(driver);
    return driver;
  }

  private String url(String path) {
    return "http://127.0.0.1:" + hub.port + path;
  }

  private static void waitForText(WebDriver browser, By where, String text) {
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(where, text));
  }

  @Test
  void theHtmxPageAndTheJsClientChatLive(Vertx vertx) throws Exception {
    WebDriver htmx = browser();
    htmx.get(url("/rooms/live"));
    // The page's event stream is open once the figures count it.
    StatsProbe.await(vertx, s -> StatsProbe.connections(s, ConnectionReporter.SSE) == 1)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    WebDriver js = browser();
    js.get(url("/"));
    js.findElement(By.id("username")).sendKeys("jsuser");
    WebElement room = js.findElement(By.id("room"));
    room.clear();
    room.sendKeys("live");
    js.findElement(By.id("join")).click();
    new WebDriverWait(js, WAIT).until(ExpectedConditions.attributeToBe(By.id("status"), "data-status", "connected"));

    // The JS client joined: the htmx page's roster follows live.
    waitForText(htmx, By.id("users"), "jsuser");

    // Someone is typing on the htmx page while a message arrives: the typing is not disturbed.
    WebElement text = htmx.findElement(By.name("text"));
    text.sendKeys("half-typed");
    js.findElement(By.id("text")).sendKeys("hello from the JS client");
    js.findElement(By.id("send")).click();
    waitForText(htmx, By.id("messages"), "hello from the JS client");
    assertEquals("half-typed", htmx.findElement(By.name("text")).getAttribute("value"));

    // And the other way: the htmx form posts, the JS client sees it, the form empties.
    htmx.findElement(By.name("username")).sendKeys("htmxuser");
    text.clear();
    text.sendKeys("hello from htmx");
    htmx.findElement(By.cssSelector("#post-form button")).click();
    waitForText(js, By.id("messages"), "hello from htmx");
    waitForText(htmx, By.id("messages"), "hello from htmx");
    new WebDriverWait(htmx, WAIT).until(d -> d.findElement(By.name("text")).getAttribute("value").isEmpty());
    assertEquals("htmxuser", htmx.findElement(By.name("username")).getAttribute("value"));
    assertEquals(1, htmx.findElements(By.xpath("//ul[@id='messages']/li[contains(., 'hello from htmx')]")).size(),
        "appended once, the list itself was not replaced");

    // An edit on the feed replaces the message in place, by id.
    WebElement first = htmx.findElement(By.xpath("//ul[@id='messages']/li[contains(., 'hello from the JS client')]"));
    String id = first.getAttribute("id").substring("msg-".length());
    vertx.eventBus().publish(Addresses.roomFeed("live"), Events.edited("live", id, "jsuser", "edited in place", System.currentTimeMillis(), 99));
    waitForText(htmx, By.id("msg-" + id), "edited in place");
    List<WebElement> lines = htmx.findElements(By.cssSelector("#messages > li.msg"));
    assertEquals("msg-" + id, lines.get(0).getAttribute("id"), "the edited message kept its place");
  }
}
