package dev.hubbub.bridge.eventbus;

import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client of an event-bus bridge, whatever carries its frames. It speaks the Vert.x bridge protocol
 * but exposes only Hubbub's surface: it may register room feeds (each becomes a {@link BusSubscription}
 * on the shared fan-out) and send commands from {@link #COMMANDS}; nothing else on the bus is reachable.
 * The identity in a command is set here, never taken from the client's claim of who it is.
 */
final class BusBridgeConnection {

  private static final Logger log = LoggerFactory.getLogger(BusBridgeConnection.class);

  /** Addresses a client may send to; each must be a request, so the client learns the outcome. */
  static final Set<String> COMMANDS = Set.of(Addresses.CHAT, Addresses.EDIT, Addresses.DELETE);
  /** Requests a client may have unanswered at once; more is a client not waiting for its replies. */
  static final int MAX_IN_FLIGHT = 256;
  static final int MAX_REPLY_ADDRESS = 128;

  /** What carries the frames: a SockJS socket or a TCP socket. */
  interface Transport {
    void write(Buffer frame);

    boolean writeQueueFull();

    void close();
  }

  private final BusBridge bridge;
  private final Transport transport;
  private final Map<String, BusSubscription> subscriptions = new HashMap<>();
  private int inFlight;
  private boolean closed;

  BusBridgeConnection(BusBridge bridge, Transport transport) {
    this.bridge = bridge;
    this.transport = transport;
  }

  Dialect dialect() {
    return bridge.dialect;
  }

  /** Handles one complete frame as received. */
  void onFrame(Buffer raw) {
    if (closed) {
      return;
    }
    if (raw.length() > bridge.config.limits().maxFrameBytes()) {
      disconnect(413, "frame too large: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(raw.toString());
    } catch (DecodeException | ClassCastException e) {
      error(null, 400, "invalid_json");
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String)) {
      error(null, 400, "missing_type");
      return;
    }
    switch ((String) type) {
      case "ping" -> {
        if (bridge.dialect == Dialect.TCP) {
          write(bridge.dialect.wire(new JsonObject().put("type", "pong")));
        }
      }
      case "register" -> register(frame);
      case "unregister" -> unregister(frame);
      case "send" -> send(frame);
      case "publish" -> error(stringOrNull(frame, "address"), 403, "access_denied: publish is not allowed, send commands with a reply address");
      default -> error(null, 400, "unknown_type");
    }
  }

  private void register(JsonObject frame) {
    String address = stringOrNull(frame, "address");
    if (address == null) {
      error(null, 400, "missing_address");
      return;
    }
    String room = Addresses.roomOf(address);
    if (room == null) {
      error(address, 403, "access_denied: only room feeds (" + Addresses.ROOM_FEED_PREFIX + "<room>) can be registered");
      return;
    }
    if (subscriptions.containsKey(address)) {
      error(address, 409, "address_already_registered");
      return;
    }
    if (subscriptions.size() >= bridge.config.bridges().maxRegistrations()) {
      error(address, 429, "max_handlers_reached: at most " + bridge.config.bridges().maxRegistrations() + " registrations per connection");
      return;
    }
    Long since;
    try {
      since = sinceHeader(frame.getJsonObject("headers"));
    } catch (Failure.Rejected | ClassCastException e) {
      error(address, 400, "header 'since' must be a whole number, 0 or more");
      return;
    }
    BusSubscription subscription = new BusSubscription(this, address, room);
    subscriptions.put(address, subscription);
    subscription.subscribing(since == null ? 0 : since);
    bridge.fanout.add(room, subscription).onComplete(registered -> {
      if (subscriptions.get(address) != subscription) {
        return; // unregistered or closed meanwhile
      }
      subscription.replaying();
      if (since == null) {
        subscription.replay(List.of(), false); // a plain registration is live only
        return;
      }
      bridge.vertx.eventBus().<JsonObject>request(Addresses.HISTORY, new JsonObject().put("room", room).put("since", since))
          .onComplete(history -> {
            if (history.succeeded()) {
              JsonObject reply = history.result().body();
              List<JsonObject> events = new ArrayList<>();
              reply.getJsonArray("messages").forEach(e -> events.add((JsonObject) e));
              subscription.replay(events, reply.getBoolean("truncated"));
            } else {
              error(address, Failure.codeOf(history.cause()), "history unavailable: " + Failure.messageOf(history.cause()));
              subscription.replay(List.of(), false);
            }
          });
    });
  }

  private void unregister(JsonObject frame) {
    String address = stringOrNull(frame, "address");
    BusSubscription subscription = address == null ? null : subscriptions.remove(address);
    if (subscription == null) {
      error(address, 404, "unknown_address");
      return;
    }
    drop(subscription);
  }

  private void send(JsonObject frame) {
    String address = stringOrNull(frame, "address");
    String replyAddress = stringOrNull(frame, "replyAddress");
    if (address == null) {
      error(null, 400, "missing_address");
      return;
    }
    if (!COMMANDS.contains(address)) {
      error(replyAddress, 403, "access_denied: only " + String.join(", ", COMMANDS.stream().sorted().toList()) + " accept messages");
      return;
    }
    if (replyAddress != null && replyAddress.length() > MAX_REPLY_ADDRESS) {
      error(null, 400, "replyAddress is longer than " + MAX_REPLY_ADDRESS + " characters");
      return;
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      error(replyAddress, 400, "body must be a JSON object");
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      error(replyAddress, 429, "too many requests in flight: wait for replies");
      return;
    }
    JsonObject command;
    try {
      command = command(body);
    } catch (Failure.Rejected e) {
      error(replyAddress, e.code, e.getMessage());
      return;
    }
    inFlight++;
    bridge.vertx.eventBus().<JsonObject>request(address, command).onComplete(result -> {
      inFlight--;
      if (result.succeeded()) {
        if (replyAddress != null) {
          write(bridge.dialect.wire(bridge.dialect.delivery(replyAddress, result.result().body(), true)));
        }
      } else {
        error(replyAddress, Failure.codeOf(result.cause()), Failure.messageOf(result.cause()));
      }
    });
  }

  /**
   * The core command for a client's body: only the fields a command takes are copied, so a client cannot
   * smuggle anything else in. The author is the client's guest name until authentication replaces it.
   */
  private static JsonObject command(JsonObject body) {
    JsonObject command = new JsonObject()
        .put("room", body.getValue("room"))
        .put("username", body.getValue("username"));
    for (String field : List.of("text", "id")) {
      if (body.containsKey(field)) {
        command.put(field, body.getValue(field));
      }
    }
    Object cid = body.getValue("cid");
    if (cid != null) {
      if (!(cid instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw Failure.badRequest("cid must be a string of 1-64 characters");
      }
      command.put("cid", s);
    }
    return command;
  }

  /** {@code since} from the register headers; the JS client sends header values as strings. */
  private static Long sinceHeader(JsonObject headers) {
    if (headers == null || headers.getValue("since") == null) {
      return null;
    }
    Object since = headers.getValue("since");
    if (since instanceof String s) {
      try {
        since = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw Failure.badRequest("since");
      }
    }
    return Rules.optionalSeq(new JsonObject().put("since", since), "since");
  }

  private static String stringOrNull(JsonObject frame, String field) {
    return frame.getValue(field) instanceof String s ? s : null;
  }

  void write(Buffer frame) {
    if (!closed) {
      transport.write(frame);
    }
  }

  boolean writeQueueFull() {
    return transport.writeQueueFull();
  }

  private void error(String address, int code, String message) {
    if (closed) {
      return;
    }
    if (transport.writeQueueFull()) {
      disconnect(429, "slow consumer: reconnect and resume");
      return;
    }
    write(bridge.dialect.wire(bridge.dialect.error(address, code, message)));
  }

  /** Tells the client why, then closes; used for slow consumers and protocol abuse. */
  void disconnect(int code, String reason) {
    if (closed) {
      return;
    }
    log.info("closing {} bridge connection: {}", bridge.dialect, reason);
    write(bridge.dialect.wire(bridge.dialect.error(null, code, reason)));
    closed();
    transport.close();
  }

  /** The transport is gone (or we closed it): release every subscription. */
  void closed() {
    closed = true;
    subscriptions.values().forEach(this::drop);
    subscriptions.clear();
    bridge.forget(this);
  }

  private void drop(BusSubscription subscription) {
    subscription.stop();
    bridge.fanout.remove(subscription.room, subscription);
  }
}
