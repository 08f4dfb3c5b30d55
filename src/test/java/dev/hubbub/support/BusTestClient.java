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
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test client for the event-bus bridges: over TCP (length-prefixed JSON) or over SockJS's raw
 * WebSocket endpoint ({@code /eventbus/websocket}, one JSON per text frame). Frames are read in order.
 */
public final class BusTestClient {

  private final Object client; // held so Vert.x does not collect it while the socket is open
  private final ReadStream<Buffer> input;
  private final Consumer<Buffer> writer;
  private final boolean tcp;
  private final Inbox<JsonObject> frames;
  private Runnable closer = () -> { };
  /** Over SockJS, writes a raw WebSocket frame (binary, fragmented, not UTF-8...); null over TCP. */
  private Consumer<WebSocketFrame> frameWriter;
  private final Promise<Void> closed = Promise.promise();
  private int replies;

  private BusTestClient(Vertx vertx, Object client, ReadStream<Buffer> input, Consumer<Buffer> writer, boolean tcp) {
    this.client = client;
    this.input = input;
    this.writer = writer;
    this.tcp = tcp;
    this.frames = new Inbox<>(vertx, "bridge frame");
  }

  public static Future<BusTestClient> tcp(Vertx vertx, int port) {
    return tcp(vertx, port, new NetClientOptions());
  }

  /** With client {@code options}, e.g. a tiny receive buffer to play a slow reader. */
  public static Future<BusTestClient> tcp(Vertx vertx, int port, NetClientOptions options) {
    NetClient client = vertx.createNetClient(options);
    return client.connect(port, "127.0.0.1").map(socket -> {
      BusTestClient bus = new BusTestClient(vertx, client, socket, socket::write, true);
      RecordParser parser = RecordParser.newFixed(4);
      boolean[] readingLength = {true};
      parser.handler(chunk -> {
        if (readingLength[0]) {
          parser.fixedSizeMode(chunk.getInt(0));
        } else {
          parser.fixedSizeMode(4);
          bus.received(new JsonObject(chunk));
        }
        readingLength[0] = !readingLength[0];
      });
      socket.handler(parser);
      socket.closeHandler(v -> bus.closed.tryComplete());
      bus.closer = socket::close;
      return bus;
    });
  }

  public static Future<BusTestClient> sockJs(Vertx vertx, int port) {
    return sockJs(vertx, port, MultiMap.caseInsensitiveMultiMap());
  }

  /** Over SockJS with handshake {@code headers}, e.g. a login {@code Cookie} and an {@code Origin}. */
  public static Future<BusTestClient> sockJs(Vertx vertx, int port, MultiMap headers) {
    return sockJs(vertx, port, headers, new WebSocketClientOptions());
  }

  public static Future<BusTestClient> sockJs(Vertx vertx, int port, MultiMap headers, WebSocketClientOptions clientOptions) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    headers.forEach(options::addHeader);
    return client.connect(options)
        .map(ws -> {
          BusTestClient bus = new BusTestClient(vertx, client, ws, b -> ws.writeTextMessage(b.toString()), false);
          // Like vertx-web's own bridge, raw WebSocket deliveries arrive as binary frames holding JSON.
          ws.textMessageHandler(text -> bus.received(new JsonObject(text)));
          ws.binaryMessageHandler(bytes -> bus.received(new JsonObject(bytes)));
          ws.closeHandler(v -> bus.closed.tryComplete());
          bus.closer = ws::close;
          bus.frameWriter = ws::writeFrame;
          return bus;
        });
  }

  private void received(JsonObject frame) {
    frames.add(frame);
  }

  /** Sends a frame as is. */
  public BusTestClient send(JsonObject frame) {
    return sendRaw(frameBytes(frame.encode()));
  }

  /** Sends bytes as they are: for TCP include the length prefix yourself. */
  public BusTestClient sendRaw(Buffer bytes) {
    writer.accept(bytes);
    return this;
  }

  /** Over SockJS only: sends one WebSocket frame as it is. */
  public BusTestClient sendFrame(WebSocketFrame frame) {
    frameWriter.accept(frame);
    return this;
  }

  public Buffer frameBytes(String json) {
    if (!tcp) {
      return Buffer.buffer(json);
    }
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(data.length).appendBytes(data);
  }

  public BusTestClient register(String address) {
    return register(address, new JsonObject());
  }

  public BusTestClient register(String address, JsonObject headers) {
    return send(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
  }

  /** Sends {@code body} to {@code address} with a fresh reply address and returns that reply address. */
  public String request(String address, JsonObject body) {
    return request(address, body, new JsonObject());
  }

  public String request(String address, JsonObject body, JsonObject headers) {
    String replyAddress = "reply-" + (++replies);
    send(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", replyAddress)
        .put("headers", headers));
    return replyAddress;
  }

  /** The delivery frame type of this dialect: {@code message} over TCP, {@code rec} over SockJS. */
  public String deliveryType() {
    return tcp ? "message" : "rec";
  }

  public Future<JsonObject> next() {
    return frames.next();
  }

  /** The next delivery whose body is an event of {@code eventType}, skipping others. */
  public Future<JsonObject> nextEvent(String eventType) {
    return next().compose(frame -> {
      JsonObject body = frame.getValue("body") instanceof JsonObject b ? b : null;
      return body != null && eventType.equals(body.getString("type")) ? Future.succeededFuture(frame) : nextEvent(eventType);
    });
  }

  /** The next frame that is not the {@code history} delivery opening a registration. */
  public Future<JsonObject> skipHistory() {
    return next().compose(frame -> frame.getValue("body") instanceof JsonObject b && "history".equals(b.getString("type"))
        ? skipHistory() : Future.succeededFuture(frame));
  }

  /** Skips deliveries until an error frame arrives. */
  public Future<JsonObject> skipErr() {
    return next().compose(frame -> "err".equals(frame.getString("type")) ? Future.succeededFuture(frame) : skipErr());
  }

  /** Stops reading from the socket, so that the kernel buffers and then the server's queue fill up. */
  public void pause() {
    input.pause();
  }

  public void resume() {
    input.resume();
  }

  /** Takes every frame received and not yet read. */
  public List<JsonObject> drain() {
    return frames.drain();
  }

  /** Closes the connection from the client's side, as a leaving client would. */
  public void close() {
    closer.run();
  }

  public Future<Void> closed() {
    return closed.future();
  }
}
