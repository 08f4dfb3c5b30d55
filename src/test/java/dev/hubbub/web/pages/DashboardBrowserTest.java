package dev.hubbub.web.pages;

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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard in Chromium: its server-drawn charts follow the traffic live. */
@ExtendWith(VertxExtension.class)
class DashboardBrowserTest {

  private TestHub hub;
  private ChromeDriver browser;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx, new JsonObject().put("stats", new JsonObject().put("intervalMs", 200))).onComplete(ctx.succeeding(h -> {
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

  // Read in one script each: the figures are replaced with every stats event, so elements go stale.
  private String legend(String chart) {
    return (String) browser.executeScript("const n = document.querySelector('#chart-' + arguments[0] + ' .legend');"
        + " return n ? n.innerText.replace(/\\s+/g, ' ').trim() : '';", chart);
  }

  private String points() {
    return (String) browser.executeScript("return document.querySelector('#chart-rate polyline').getAttribute('points');");
  }

  @Test
  void theMessageRateChartUpdatesWhileMessagesFlow() {
    browser = Browser.open();
    browser.manage().window().setSize(new Dimension(1200, 900));
    browser.get("http://127.0.0.1:" + hub.port + "/dashboard");
    ChatPage page = new ChatPage(browser);
    for (String chart : new String[] {"rate", "connections", "latency", "slow"}) {
      assertEquals(1, browser.findElements(By.cssSelector("#chart-" + chart + " svg")).size(), chart);
    }
    assertEquals("messages: 0 /s", legend("rate"));
    String before = points();

    // Keep messages flowing until the live chart shows them (each answer replaces the figures).
    AtomicInteger sent = new AtomicInteger();
    page.until(d -> {
      ChatPage.post(hub.port, "charts", "poster", "message " + sent.incrementAndGet());
      return !legend("rate").equals("messages: 0 /s");
    });
    String after = points();
    assertTrue(!after.equals(before), "the polyline moved: " + before + " -> " + after);
    page.until(d -> legend("latency").contains("p95"));
    page.until(d -> String.valueOf(page.script("return document.querySelector('time.ago').textContent")).matches("just now|\\d+ s ago"));
    assertTrue(browser.findElement(By.cssSelector("#login-form")).isDisplayed());
    assertTrue(browser.findElement(By.cssSelector(".account-title")).getText().contains("Log in"));
    ChatPage.screenshot(browser, "dashboard");
  }
}
