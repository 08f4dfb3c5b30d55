package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.Client;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Utf8;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.CharacterCodingException;

/**
 * One client of an event-bus bridge, whatever carries its frames. It speaks the Vert.x bridge protocol
 * but exposes only Hubbub's surface: it may register room feeds (each becomes a {@link BusSubscription}
 * on the shared fan-out) and send commands from {@link BusRequests#COMMANDS}; nothing else on the bus is reachable.
 *
 * <p>Who a frame acts for: the bearer token in the frame's {@code headers.authorization}, else the token
 * the connection was opened with (a SockJS handshake's Authorization header or login cookie), else a
 * guest named by the body's {@code username} when guests are admitted. The identity in a command is set
 * here; a name in the body is ignored for a token holder. Frames are handled one after the other, in
 * the order they came, although verifying a token is asynchronous.
 */
final class BusBridgeConnection implements Client.Transport {

  private static final Logger log = LoggerFactory.getLogger(BusBridgeConnection.class);

  /** Frames a client may have waiting to be handled; more is a client not waiting for its replies. */
  static final int MAX_QUEUED = 256;

  final BusBridge bridge;
  private final BusTransport transport;
  /** Credentials from the connection's handshake, used by frames that bring none; may be null. */
  private final Credentials handshake;
  /** Its registered room feeds and its commands in flight. */
  final BusRequests requests = new BusRequests(this);
  /** Frames received and not yet handled, chained so they are handled in order. */
  private Future<Void> tail = Future.succeededFuture();
  private int queued;
  /** Who the connection is, its rate and its count: the rules every transport shares. */
  final Client client;
  /** Refused by a connection cap and about to be closed: what it sends meanwhile is ignored. */
  boolean refusing;
  /** The client's address, put on every command for the per-address caps of the core; set by {@link BusBridge#admit}. */
  SocketAddress clientAddress;

  /** {@code place}: the address admitted under the connection caps, released when the transport closes; null for none. */
  BusBridgeConnection(BusBridge bridge, BusTransport transport, Credentials handshake, SocketAddress place) {
    this.bridge = bridge;
    this.transport = transport;
    this.handshake = handshake;
    this.client = bridge.connections.open(this, place);
  }

  Dialect dialect() {
    return bridge.dialect;
  }

  /** Accepts one complete frame as received; it is handled after the frames before it. */
  void onFrame(Buffer raw) {
    if (client.isClosed() || refusing) {
      return;
    }
    HubMetrics.get().messageIn(bridge.metricsTransport);
    client.heard();
    if (raw.length() > bridge.config.limits().maxFrameBytes()) {
      disconnect(413, "frame too large: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
      return;
    }
    if (!client.admit()) {
      return;
    }
    if (queued >= MAX_QUEUED) {
      error(null, 429, "too many frames waiting: slow down");
      return;
    }
    queued++;
    tail = tail.transform(v -> handle(raw)).andThen(v -> queued--);
  }

  private Future<Void> handle(Buffer raw) {
    if (client.isClosed()) {
      return Future.succeededFuture();
    }
    JsonObject frame;
    try {
      frame = new JsonObject(Utf8.strict(raw));
    } catch (CharacterCodingException e) {
      error(null, 400, "invalid_utf8: a frame must be UTF-8 JSON");
      return Future.succeededFuture();
    } catch (DecodeException | ClassCastException e) {
      error(null, 400, "invalid_json");
      return Future.succeededFuture();
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String)) {
      error(null, 400, "missing_type");
      return Future.succeededFuture();
    }
    switch ((String) type) {
      case "ping" -> {
        if (bridge.dialect == Dialect.TCP) {
          write(bridge.dialect.wire(new JsonObject().put("type", "pong")));
        }
      }
      case "register" -> {
        return as(frame, null).compose(who -> requests.register(frame, who), e -> refused(frame, e));
      }
      case "unregister" -> requests.unregister(frame);
      case "send" -> {
        Object body = frame.getValue("body");
        Object guestName = body instanceof JsonObject b ? b.getValue("username") : null;
        return as(frame, guestName).compose(who -> requests.send(frame, who), e -> refused(frame, e));
      }
      case "publish" -> error(BusFrames.stringOrNull(frame, "address"), 403, "access_denied: publish is not allowed, send commands with a reply address");
      default -> error(null, 400, "unknown_type");
    }
    return Future.succeededFuture();
  }

  /** Who {@code frame} acts for (see the class comment): a bad or expired token is refused, never taken for a guest. */
  private Future<Identity> as(JsonObject frame, Object guestName) {
    JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    Object authorization = headers.getValue("authorization", headers.getValue("Authorization"));
    return client.identify(authorization instanceof String a ? Credentials.bearer(a) : null, handshake, guestName,
        "log in: send a bearer token in headers.authorization");
  }

  /** Answers a frame whose identity was refused: to its reply address or registered address, when it has one. */
  Future<Void> refused(JsonObject frame, Throwable failure) {
    String address = BusFrames.stringOrNull(frame, "replyAddress");
    if (address == null) {
      address = BusFrames.stringOrNull(frame, "address");
    }
    error(address, failure instanceof Failure.Rejected r ? r.code : Failure.codeOf(failure),
        failure instanceof Failure.Rejected ? failure.getMessage() : Failure.messageOf(failure));
    return Future.succeededFuture();
  }

  SessionEngine engine() {
    return bridge.engine;
  }

  Future<Message<JsonObject>> request(String address, JsonObject body) {
    return bridge.vertx.eventBus().request(address, body);
  }

  /** A subscription's reader counts too: account deletion cuts a connection that reads for the account. */
  @Override
  public boolean readsAs(String accountKey) {
    return requests.readsAs(accountKey);
  }

  /** The connection's rules end it: {@code err} 401 (token), 429 (rate abuse) or 408 (silence), then the close. */
  @Override
  public void end(Client.Ending ending, String reason) {
    disconnect(switch (ending) {
      case UNAUTHENTICATED -> Failure.UNAUTHORIZED;
      case RATE_ABUSE -> Failure.TOO_MANY;
      case SILENT -> 408;
    }, reason);
  }

  @Override
  public void refused(int code, String message) {
    error(null, code, message);
  }

  /** Writes a frame unless the transport is gone; a failing write ends the connection, never the caller. */
  void write(Buffer frame) {
    if (isClosed()) {
      return;
    }
    try {
      HubMetrics.get().messageOut(bridge.metricsTransport);
      transport.write(frame);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  boolean writeQueueFull() {
    return transport.writeQueueFull();
  }

  /** Closed by us or by the peer (before the close handler ran); nothing more is written then. */
  boolean isClosed() {
    return client.isClosed() || transport.isClosed();
  }

  /** A write failed: the connection is unusable, so release it quietly (the peer is gone). */
  void failed(Throwable cause) {
    if (!closing()) {
      return;
    }
    log.debug("{} bridge connection failed while writing, closing it: {}", bridge.dialect, cause.toString());
    try {
      transport.close();
    } catch (RuntimeException e) {
      // already closed
    }
  }

  void error(String address, int code, String message) {
    if (isClosed()) {
      return;
    }
    if (transport.writeQueueFull()) {
      HubMetrics.get().slowConsumer();
      disconnect(429, "slow consumer: reconnect and resume");
      return;
    }
    write(bridge.dialect.wire(bridge.dialect.error(address, code, message)));
  }

  /** Tells the client why, then closes; used for slow consumers and protocol abuse. */
  void disconnect(int code, String reason) {
    if (isClosed()) {
      closing();
      return;
    }
    log.info("closing {} bridge connection: {}", bridge.dialect, reason);
    write(bridge.dialect.wire(bridge.dialect.error(null, code, reason)));
    closing();
    transport.close();
  }

  /**
   * The hub is shutting down: one {@code err} 503 per registered room feed with its resume point, then a
   * last one without an address, and the connection closes.
   */
  void shutDown() {
    requests.goingAway();
    if (isClosed()) {
      closing();
      return;
    }
    // Not disconnect(): one log line per connection is too many at shutdown; Main logs the total.
    write(bridge.dialect.wire(bridge.dialect.error(null, Failure.UNAVAILABLE,
        Disconnect.GOING_AWAY_PREFIX + " the hub is shutting down, reconnect and resume")));
    closing();
    transport.close();
  }

  /**
   * We end the connection (or its transport failed): every subscription is released, nothing more is
   * handled, and it no longer counts; its place under the caps waits for {@link #closed}.
   */
  boolean closing() {
    if (!client.closing()) {
      return false;
    }
    requests.dropAll();
    return true;
  }

  /** The transport is gone: releases the subscriptions, then the connection's count and its place under the caps. */
  void closed() {
    closing();
    client.closed();
  }
}
