package dev.hubbub.web;

import dev.hubbub.support.Logged;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input from outside gets a clear 4xx and costs the log at most a short line below ERROR: a stack
 * trace per request would let anyone fill the disk.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BadRequestLoggingTest {

  private static final long WAIT_SECONDS = 30;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private TestHub hub;
  private HttpClient http;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    hub = TestHub.start(vertx, new JsonObject().put("limits", new JsonObject().put("maxFrameBytes", 1000)))
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
    // A connection per request: each malformed request is judged on its own, never on a connection the
    // hub may be closing after the previous answer.
    http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void detach() {
    root.detachAppender(logged);
  }

  @Test
  void malformedPercentEscapesAnswer400WithoutAnErrorLog() throws Exception {
    for (String uri : List.of("/%zz", "/%", "/rooms/%zz", "/api/rooms/%zz/messages", "/?q=%zz", "/api/rooms?x=%zz",
        "/rooms/general/events?lastEventId=%zz", "/eventbus/%zz/info")) {
      HttpClientResponse response = send(HttpMethod.GET, uri, Buffer.buffer());
      assertEquals(400, response.statusCode(), uri);
    }
    // Well-formed escapes of bytes that are not UTF-8 are no reason for a server error either.
    for (String uri : List.of("/%ff", "/rooms/%C0%AF/events", "/api/rooms/%ff%fe/messages?q=%ff", "/eventbus/%ff/info")) {
      HttpClientResponse response = send(HttpMethod.GET, uri, Buffer.buffer());
      assertTrue(response.statusCode() < 500, uri + " answered " + response.statusCode());
    }
    assertNoErrors();
  }

  @Test
  void anOversizedSockJsSendAnswers413WithoutAnErrorLog() throws Exception {
    assertEquals(200, send(HttpMethod.POST, "/eventbus/000/big/xhr", Buffer.buffer()).statusCode());
    int cap = 4 * hub.config.getJsonObject("limits").getInteger("maxFrameBytes");
    assertEquals("HTTP/1.1 413 Request Entity Too Large", statusForAnnouncedBody("/eventbus/000/big/xhr_send", cap + 10));
    assertNoErrors();
  }

  private void assertNoErrors() {
    List<String> errors = Logged.events(logged).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertTrue(errors.isEmpty(), errors.toString());
  }

  /**
   * Announces an oversized body and waits for the answer before sending any of it: the hub refuses by the
   * Content-Length alone and hangs up, and bytes it never read would turn its close into a reset that can
   * swallow the answer. Returns the status line.
   */
  private String statusForAnnouncedBody(String uri, int length) throws Exception {
    Buffer received = Buffer.buffer();
    return vertx.createNetClient().connect(hub.port, "127.0.0.1").compose(socket -> {
      Promise<String> status = Promise.promise();
      socket.handler(bytes -> {
        received.appendBuffer(bytes);
        String text = received.toString();
        if (text.contains("\r\n")) {
          status.tryComplete(text.substring(0, text.indexOf("\r\n")));
        }
      });
      socket.closeHandler(v -> status.tryFail("closed without an answer: " + received));
      socket.write("POST " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " + length
          + "\r\nExpect: 100-continue\r\n\r\n");
      return status.future().eventually(socket::close);
    }).await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private HttpClientResponse send(HttpMethod method, String uri, Buffer body) throws Exception {
    Future<HttpClientResponse> response = http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1")
            .setPort(hub.port).setURI(uri))
        .compose(request -> request.send(body))
        .compose(r -> r.body().map(b -> r));
    try {
      return response.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(method + " " + uri + " got no answer within " + WAIT_SECONDS + " s", e);
    }
  }
}
