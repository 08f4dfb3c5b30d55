package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

import java.util.function.Consumer;

/**
 * One generator connection to a peer, whatever its protocol: join a room, publish, and count the chat
 * deliveries it receives into its meter (none for publishers). Subclasses only parse their frames.
 */
abstract class Conn {

  /** Time of the last frame any connection received, so a scenario can wait until traffic settles. */
  static volatile long lastFrameNanos = System.nanoTime();

  protected final Meter meter;
  protected final Promise<Void> welcomed = Promise.promise();
  protected volatile Buffer lastRoster;
  protected volatile boolean closed;
  protected volatile String closeReason;
  protected volatile Consumer<String> acks = cid -> { };
  protected WebSocket ws;

  Conn(Meter meter) {
    this.meter = meter;
  }

  /** Joins {@code room} as {@code username}; completes once the peer welcomed this connection. */
  abstract Future<Void> join(String room, String username);

  abstract void chat(String text);

  /** An acknowledged publish; only Hubbub has them. */
  void chat(String text, String cid) {
    throw new UnsupportedOperationException("no acknowledged publish on this peer");
  }

  /** Number of users in the last roster this connection received, or -1 (parsed only when asked). */
  abstract int lastRosterSize();

  void onAck(Consumer<String> handler) {
    acks = handler;
  }

  boolean isClosed() {
    return closed;
  }

  /** The close code and reason the server gave, or null while open (or closed without one). */
  String closeReason() {
    return closeReason;
  }

  Future<Void> welcomed() {
    return welcomed.future();
  }

  void close() {
    closed = true;
    if (ws != null) {
      ws.close();
    }
  }

  /** Opens {@code uri} with this connection's handlers in place before the first frame can arrive. */
  protected Future<Void> connect(WebSocketClient client, int port, String uri) {
    ClientWebSocket socket = client.webSocket();
    this.ws = socket;
    socket.handler(this::frame);
    socket.closeHandler(v -> {
      closed = true;
      closeReason = socket.closeStatusCode() + " " + socket.closeReason();
    });
    socket.exceptionHandler(e -> closed = true);
    return socket.connect(port, "127.0.0.1", uri).mapEmpty();
  }

  private void frame(Buffer buffer) {
    long now = System.nanoTime();
    if (!heartbeat(buffer)) {
      lastFrameNanos = now;
    }
    onFrame(buffer, now);
  }

  /** A protocol heartbeat is not traffic: with thousands of connections one is always arriving. */
  protected boolean heartbeat(Buffer buffer) {
    return false;
  }

  protected abstract void onFrame(Buffer buffer, long now);

  protected void delivered(Buffer buffer, long now) {
    if (meter != null) {
      meter.delivered(buffer, now);
    }
  }
}
