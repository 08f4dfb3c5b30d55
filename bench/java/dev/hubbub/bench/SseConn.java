package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;

/** A receive-only Hubbub event stream ({@code GET /rooms/{room}/events?format=json}); each {@code chat} record is a delivery. */
final class SseConn extends Conn {

  private static final byte[] CHAT = HubWsConn.bytes("event: chat\n");

  private HttpConnection connection;

  private SseConn(Meter meter) {
    super(meter);
  }

  /** Completes once the stream answered 200; it counts as welcomed then (watchers are not room members). */
  static Future<Conn> open(HttpClient client, int port, String room, Meter meter) {
    SseConn conn = new SseConn(meter);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/rooms/" + room + "/events?format=json").putHeader("Accept", "text/event-stream");
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("event stream answered " + response.statusCode());
          }
          RecordParser records = RecordParser.newDelimited("\n\n", conn::record);
          response.handler(records);
          response.endHandler(v -> conn.closed = true);
          response.exceptionHandler(e -> conn.closed = true);
          conn.connection = response.request().connection();
          conn.welcomed.tryComplete();
          return Future.succeededFuture(conn);
        });
  }

  private void record(Buffer record) {
    long now = System.nanoTime();
    if (record.length() > 0 && record.getByte(0) == ':') {
      return; // keep-alive comment
    }
    lastFrameNanos = now;
    if (Meter.contains(record, CHAT, 64)) {
      delivered(record, now);
    }
  }

  @Override
  Future<Void> join(String room, String username) {
    return welcomed();
  }

  @Override
  void chat(String text) {
    throw new UnsupportedOperationException("event streams only read");
  }

  @Override
  int lastRosterSize() {
    return -1;
  }

  @Override
  protected void onFrame(Buffer buffer, long now) {
  }

  @Override
  void close() {
    closed = true;
    if (connection != null) {
      connection.close();
    }
  }
}
