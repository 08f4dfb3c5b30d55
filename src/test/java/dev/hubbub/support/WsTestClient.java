package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A protocol-level WebSocket client for tests: frames are queued as they arrive and read in order with
 * {@link #next()}, so a test reads like the conversation it checks. Every wait is bounded.
 */
public final class WsTestClient {

  /** Held so the client is not collected (and its connection closed) while the socket is in use. */
  private final WebSocketClient client;
  private final WebSocket ws;
  private final Inbox<JsonObject> frames;
  private final Promise<Short> closed = Promise.promise();

  private WsTestClient(Vertx vertx, WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    this.frames = new Inbox<>(vertx, "frame");
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
  }

  public static Future<WsTestClient> connect(Vertx vertx, int port) {
    return connect(vertx, port, new WebSocketClientOptions());
  }

  public static Future<WsTestClient> connect(Vertx vertx, int port, WebSocketClientOptions options) {
    return connect(vertx, port, options, null);
  }

  /** With handshake {@code headers}, e.g. {@code Authorization}, {@code Cookie}, {@code Origin}. */
  public static Future<WsTestClient> connect(Vertx vertx, int port, MultiMap headers) {
    return connect(vertx, port, new WebSocketClientOptions(), headers);
  }

  public static Future<WsTestClient> connect(Vertx vertx, int port, WebSocketClientOptions options, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient(options.setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (headers != null) {
      headers.forEach(connect::addHeader);
    }
    return client.connect(connect).map(ws -> new WsTestClient(vertx, client, ws));
  }

  /** Connects with {@code Authorization: Bearer token}. */
  public static Future<WsTestClient> withToken(Vertx vertx, int port, String token) {
    return connect(vertx, port, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token));
  }

  /** Connects and joins; completes after the {@code welcome} frame. */
  public static Future<WsTestClient> joined(Vertx vertx, int port, String room, String username) {
    return connect(vertx, port).compose(c -> c.join(room, username).map(c));
  }

  /**
   * Connects, joins and waits for the replayed history: from then on the client's own messages arrive
   * as live {@code chat} frames (before it, they may be part of the replay instead).
   */
  public static Future<WsTestClient> live(Vertx vertx, int port, String room, String username) {
    return joined(vertx, port, room, username).compose(c -> c.expect("history").map(c));
  }

  public Future<JsonObject> join(String room, String username) {
    send(new JsonObject().put("type", "join").put("room", room).put("username", username));
    return expect("welcome");
  }

  public WsTestClient send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
    return this;
  }

  public WsTestClient sendText(String text) {
    ws.writeTextMessage(text);
    return this;
  }

  public WsTestClient sendBinary(Buffer data) {
    ws.writeBinaryMessage(data);
    return this;
  }

  public Future<Void> chat(String text) {
    send(new JsonObject().put("type", "chat").put("text", text));
    return Future.succeededFuture();
  }

  /**
   * Sends a chat with a cid derived from {@code text} and completes with its answer: the {@code ack}, or
   * the {@code error} frame carrying that cid. Frames in between are skipped.
   */
  public Future<JsonObject> chatAnswered(String text) {
    String cid = "cid-" + Integer.toHexString(text.hashCode()) + "-" + text.length();
    send(new JsonObject().put("type", "chat").put("text", text).put("cid", cid));
    return answerTo(cid);
  }

  private Future<JsonObject> answerTo(String cid) {
    return next().compose(frame -> cid.equals(frame.getString("cid"))
        && ("ack".equals(frame.getString("type")) || "error".equals(frame.getString("type")))
        ? Future.succeededFuture(frame) : answerTo(cid));
  }

  /** The next frame, whatever its type. */
  public Future<JsonObject> next() {
    return frames.next();
  }

  /** The next frame, which must be of {@code type}. */
  public Future<JsonObject> expect(String type) {
    return next().compose(frame -> type.equals(frame.getString("type"))
        ? Future.succeededFuture(frame)
        : Future.failedFuture(new AssertionError("expected a '" + type + "' frame, got " + frame.encode())));
  }

  /** Skips frames until one of {@code type} arrives. */
  public Future<JsonObject> skipTo(String type) {
    // Drain what is queued in a loop: composing over thousands of ready frames would recurse too deep.
    for (JsonObject frame = frames.poll(); frame != null; frame = frames.poll()) {
      if (type.equals(frame.getString("type"))) {
        return Future.succeededFuture(frame);
      }
    }
    return next().compose(frame -> type.equals(frame.getString("type")) ? Future.succeededFuture(frame) : skipTo(type));
  }

  /** Frames already received and not yet read. */
  public int buffered() {
    return frames.size();
  }

  /** Takes every frame received and not yet read. */
  public List<JsonObject> drain() {
    return frames.drain();
  }

  public WebSocket socket() {
    return ws;
  }

  /** The reason the server gave when it closed the connection. */
  public String closeReason() {
    return ws.closeReason();
  }

  /** Completes with the close code once the server closes the connection. */
  public Future<Short> closed() {
    return closed.future();
  }

  public Future<Void> close() {
    return ws.close();
  }
}
