package dev.hubbub.bridge.sse;

import dev.hubbub.bridge.Client;
import dev.hubbub.metrics.HubMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * One open {@code text/event-stream} response. Writes are bounded by the response's write queue; past it
 * the stream counts as a slow consumer and is closed with a reason, and the client reconnects with its
 * {@code Last-Event-ID}.
 */
final class SseStream implements Client.Transport {

  /** The request alone, not its routing context: an idle stream should hold as little as it can. */
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private Runnable onClose = () -> { };
  private boolean closed;
  /** Who reads the stream, and its count and place under the caps; set by the bridge as it opens it. */
  Client client;

  private SseStream(RoutingContext ctx) {
    this.request = ctx.request();
    this.response = ctx.response();
  }

  /** Sends the headers and the {@code retry:} hint at once, so the client sees the stream open. */
  static SseStream open(RoutingContext ctx, int retryMs, int maxQueuedBytes) {
    SseStream stream = new SseStream(ctx);
    HttpServerResponse response = ctx.response();
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        // Tells nginx-style proxies not to hold events back in a buffer.
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(maxQueuedBytes);
    response.closeHandler(v -> stream.closed());
    response.exceptionHandler(e -> stream.closed());
    response.write(SseRecords.retry(retryMs));
    return stream;
  }

  /** Runs once when the stream ends, whoever ended it. */
  void onClose(Runnable onClose) {
    this.onClose = onClose;
  }

  void write(String record) {
    if (!isClosed()) {
      HubMetrics.get().messageOut(HubMetrics.Transport.SSE);
      response.write(record);
    }
  }

  void write(Buffer record) {
    if (!isClosed()) {
      HubMetrics.get().messageOut(HubMetrics.Transport.SSE);
      response.write(record);
    }
  }

  boolean full() {
    return !isClosed() && response.writeQueueFull();
  }

  void keepAlive() {
    write(SseRecords.comment("keep-alive"));
  }

  /**
   * Ends the stream with a last {@code error} record carrying {@code reason}, then drops the connection so
   * nothing still queued for a stalled client is kept.
   */
  void close(String reason) {
    end("error", new JsonObject().put("type", "error").put("message", reason));
  }

  /** The reader's token expired or their account was deleted: the stream ends with an {@code error} record saying so. */
  @Override
  public void end(Client.Ending ending, String reason) {
    close(reason);
  }

  /** Ends the stream with a last record {@code event} (e.g. {@code shutdown}) holding {@code data}. */
  void end(String event, JsonObject data) {
    if (closed) {
      return;
    }
    if (response.closed() || response.ended()) {
      closed(); // the peer went first: nothing left to tell it
      return;
    }
    response.write(SseRecords.event(0, event, data.encode()));
    response.end();
    closed();
    if (request.version() == HttpVersion.HTTP_2) {
      response.reset();
    } else {
      request.connection().close();
    }
  }

  /** Ended by us, or the connection is gone although its close handler has not run yet. */
  boolean isClosed() {
    return closed || response.closed() || response.ended();
  }

  private void closed() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
