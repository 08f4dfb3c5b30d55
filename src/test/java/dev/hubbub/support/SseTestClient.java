package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client for tests: it parses the {@code text/event-stream} of a Vert.x HTTP response
 * into records ({@code id:}, {@code event:}, {@code data:}) and comments, queued as they arrive and read in
 * order with {@link #next()}. Every wait is bounded.
 */
public final class SseTestClient {

  /** One dispatched event. {@code id} is this record's own {@code id:} field, null when it had none. */
  public record Event(String id, String event, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** Held so the client is not collected (and its connection closed) while the stream is read. */
  private final HttpClient client;
  private final HttpClientResponse response;
  private final Inbox<Event> events;
  private final Inbox<String> comments;
  private final List<Long> retries = new CopyOnWriteArrayList<>();
  private final Promise<Void> ended = Promise.promise();

  private Buffer pending = Buffer.buffer();
  private String id;
  private String event;
  private StringBuilder data;

  private SseTestClient(Vertx vertx, HttpClient client, HttpClientResponse response) {
    this.client = client;
    this.response = response;
    this.events = new Inbox<>(vertx, "event");
    this.comments = new Inbox<>(vertx, "comment");
    response.handler(this::onChunk);
    response.endHandler(v -> ended.tryComplete());
    response.exceptionHandler(e -> ended.tryComplete());
  }

  /** Opens {@code uri} with {@code Accept: text/event-stream} plus {@code headers}; fails unless the answer is 200. */
  public static Future<SseTestClient> connect(Vertx vertx, int port, String uri, MultiMap headers) {
    return connect(vertx, new HttpClientOptions(), port, uri, headers);
  }

  /** With client {@code options}, e.g. a tiny receive buffer to play a slow reader. */
  public static Future<SseTestClient> connect(Vertx vertx, HttpClientOptions clientOptions, int port, String uri, MultiMap headers) {
    HttpClient client = vertx.createHttpClient(clientOptions);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("Accept", "text/event-stream");
    if (headers != null) {
      headers.forEach(options::addHeader);
    }
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(new SseTestClient(vertx, client, response))
            : response.body().compose(body -> Future.failedFuture(
                new AssertionError("expected 200 from " + uri + ", got " + response.statusCode() + ": " + body))));
  }

  public static Future<SseTestClient> connect(Vertx vertx, int port, String uri) {
    return connect(vertx, port, uri, null);
  }

  public MultiMap headers() {
    return response.headers();
  }

  /** The {@code retry:} values received so far. */
  public List<Long> retries() {
    return retries;
  }

  public Future<Event> next() {
    return events.next();
  }

  /** The next event, which must be named {@code name}. */
  public Future<Event> expect(String name) {
    return next().compose(e -> name.equals(e.event())
        ? Future.succeededFuture(e)
        : Future.failedFuture(new AssertionError("expected a '" + name + "' event, got " + e)));
  }

  /** Skips events until one named {@code name} arrives. */
  public Future<Event> skipTo(String name) {
    return next().compose(e -> name.equals(e.event()) ? Future.succeededFuture(e) : skipTo(name));
  }

  /** The next comment line's text (after {@code ": "}). */
  public Future<String> nextComment() {
    return comments.next();
  }

  /** Events received and not yet read. */
  public int buffered() {
    return events.size();
  }

  /** Takes every event received and not yet read. */
  public List<Event> drain() {
    return events.drain();
  }

  /** Completes when the server ends the stream or the connection drops. */
  public Future<Void> ended() {
    return ended.future();
  }

  /** Stops reading from the socket, as a client that cannot keep up. */
  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  /** Drops the connection, as a browser tab closing would. */
  public Future<Void> close() {
    return response.request().connection().close();
  }

  private void onChunk(Buffer chunk) {
    pending.appendBuffer(chunk);
    int start = 0;
    int length = pending.length();
    for (int i = 0; i < length; i++) {
      byte b = pending.getByte(i);
      if (b == '\n' || b == '\r') {
        if (b == '\r' && i + 1 == length) {
          break; // maybe the first half of \r\n: wait for the next chunk
        }
        line(pending.getString(start, i, StandardCharsets.UTF_8.name()));
        if (b == '\r' && pending.getByte(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    pending = pending.getBuffer(start, length);
  }

  private void line(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.startsWith(":")) {
      comments.add(line.startsWith(": ") ? line.substring(2) : line.substring(1));
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "id" -> id = value;
      case "event" -> event = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      case "retry" -> retries.add(Long.parseLong(value));
      default -> {
      }
    }
  }

  private void dispatch() {
    if (data != null) {
      events.add(new Event(id, event == null ? "message" : event, data.toString()));
    }
    id = null;
    event = null;
    data = null;
  }
}
