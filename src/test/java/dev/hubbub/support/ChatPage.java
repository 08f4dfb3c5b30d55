package dev.hubbub.support;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The JS chat client (webroot/index.html) as a test sees it: fields, lines, states. */
public final class ChatPage {

  public static final Duration RECONNECT_WAIT = Duration.ofSeconds(45);

  private final WebDriver browser;

  public ChatPage(WebDriver browser) {
    this.browser = browser;
  }

  public WebDriver browser() {
    return browser;
  }

  public ChatPage open(int port) {
    browser.get("http://127.0.0.1:" + port + "/");
    return this;
  }

  /** Types a name and a room (unless null: keep what is pre-filled) and presses Join. */
  public ChatPage join(String username, String room) {
    if (username != null) {
      WebElement name = browser.findElement(By.id("username"));
      name.clear();
      name.sendKeys(username);
    }
    if (room != null) {
      WebElement field = browser.findElement(By.id("room"));
      field.clear();
      field.sendKeys(room);
    }
    browser.findElement(By.id("join")).click();
    return this;
  }

  public ChatPage awaitJoined(Duration wait) {
    until(wait, b -> "joined".equals(state()));
    return this;
  }

  public ChatPage awaitJoined() {
    return awaitJoined(Browser.WAIT);
  }

  public String state() {
    return browser.findElement(By.tagName("body")).getDomAttribute("data-state");
  }

  /** Types a message and presses Enter. */
  public ChatPage say(String text) {
    browser.findElement(By.id("text")).sendKeys(text, Keys.ENTER);
    return this;
  }

  /** The texts of the lines shown, read in one script so a line replaced meanwhile cannot go stale. */
  @SuppressWarnings("unchecked")
  public List<String> texts() {
    return (List<String>) script("return Array.from(document.querySelectorAll('#messages li.msg .msg-text'), n => n.innerText)");
  }

  /** data-status (pending, sent, failed) of the line with this text. */
  public String statusOf(String text) {
    return (String) script("for (const li of document.querySelectorAll('#messages li.msg'))"
        + " if (li.querySelector('.msg-text').innerText === arguments[0]) return li.dataset.status || ''; return null;", text);
  }

  public void until(Duration wait, Predicate<WebDriver> condition) {
    new WebDriverWait(browser, wait).until(condition::test);
  }

  public void until(Predicate<WebDriver> condition) {
    until(Browser.WAIT, condition);
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(js, args);
  }

  public Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeAsyncScript(js, args);
  }

  /** Saves a screenshot as target/screenshots/{name}.png. */
  public static Path screenshot(WebDriver browser, String name) {
    try {
      Path dir = Path.of("target", "screenshots");
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A REST call as a guest (JSON, no cookie, so no CSRF token): the answer's JSON body; a 4xx/5xx fails. */
  public static io.vertx.core.json.JsonObject rest(int port, String method, String path, io.vertx.core.json.JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 400) {
        throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return new io.vertx.core.json.JsonObject(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A guest's post over REST (JSON without the cookie needs no CSRF token). */
  public static void post(int port, String room, String username, String text) {
    String body = new io.vertx.core.json.JsonObject().put("username", username).put("text", text).encode();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms/" + room + "/messages"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new AssertionError("post answered " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The texts of a room's latest messages over REST. */
  public static List<String> storedTexts(int port, String room) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms/" + room + "/messages?limit=200")).build();
    try {
      String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
      return new io.vertx.core.json.JsonObject(body).getJsonArray("messages").stream()
          .map(m -> ((io.vertx.core.json.JsonObject) m).getString("text")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
