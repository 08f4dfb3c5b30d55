package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.limits.ClientAddress;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one event-bus bridge client asked of the hub: the room feeds it registered (each a
 * {@link BusSubscription}, capped per connection) and the commands it sent that are not answered yet
 * (capped too). Its frames arrive here checked and in order, with who they act for, from its
 * {@link BusBridgeConnection}; refusals go back as {@code err} frames.
 */
final class BusRequests {

  /** Addresses a client may send to; each must be a request, so the client learns the outcome. */
  static final Set<String> COMMANDS = Set.of(Addresses.CHAT, Addresses.EDIT, Addresses.DELETE);
  /** Requests a client may have unanswered at once; more is a client not waiting for its replies. */
  static final int MAX_IN_FLIGHT = 256;
  static final int MAX_REPLY_ADDRESS = 128;

  private final BusBridgeConnection connection;
  private final Map<String, BusSubscription> subscriptions = new HashMap<>();
  private int inFlight;

  BusRequests(BusBridgeConnection connection) {
    this.connection = connection;
  }

  Future<Void> register(JsonObject frame, Identity who) {
    String address = BusFrames.stringOrNull(frame, "address");
    if (address == null) {
      connection.error(null, 400, "missing_address");
      return Future.succeededFuture();
    }
    String room = Addresses.roomOf(address);
    if (room == null) {
      connection.error(address, 403, "access_denied: only room feeds (" + Addresses.ROOM_FEED_PREFIX + "<room>) can be registered");
      return Future.succeededFuture();
    }
    if (subscriptions.containsKey(address)) {
      connection.error(address, 409, "address_already_registered");
      return Future.succeededFuture();
    }
    if (subscriptions.size() >= connection.bridge.config.bridges().maxRegistrations()) {
      connection.error(address, 429, "max_handlers_reached: at most " + connection.bridge.config.bridges().maxRegistrations() + " registrations per connection");
      return Future.succeededFuture();
    }
    Long since;
    String epoch;
    try {
      JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : null;
      since = BusFrames.sinceHeader(headers);
      epoch = headers == null ? null : Rules.optionalEpoch(headers.getValue("epoch"), "header 'epoch'");
    } catch (Failure.Rejected e) {
      connection.error(address, 400, e.getMessage());
      return Future.succeededFuture();
    }
    // The place is held while the core decides, so the cap and duplicates hold; a refusal gives it back.
    BusSubscription subscription = new BusSubscription(connection, address, room, who);
    subscriptions.put(address, subscription);
    subscription.subscribing(since == null ? 0 : since);
    return subscription.start(since, epoch).recover(denied -> {
      if (subscriptions.remove(address, subscription)) {
        drop(subscription);
      }
      return connection.refused(frame, denied);
    });
  }

  /** Whether {@code subscription} is still this connection's (not unregistered or closed meanwhile). */
  boolean holds(BusSubscription subscription) {
    return subscriptions.get(subscription.address) == subscription;
  }

  /** Ends a subscription whose reader may no longer read its room, telling the client why. */
  void revoke(BusSubscription subscription, int code, String reason) {
    if (subscriptions.remove(subscription.address, subscription)) {
      drop(subscription);
      connection.error(subscription.address, code, reason);
    }
  }

  void unregister(JsonObject frame) {
    String address = BusFrames.stringOrNull(frame, "address");
    BusSubscription subscription = address == null ? null : subscriptions.remove(address);
    if (subscription == null) {
      connection.error(address, 404, "unknown_address");
      return;
    }
    drop(subscription);
  }

  Future<Void> send(JsonObject frame, Identity who) {
    String address = BusFrames.stringOrNull(frame, "address");
    String replyAddress = BusFrames.stringOrNull(frame, "replyAddress");
    if (address == null) {
      connection.error(null, 400, "missing_address");
      return Future.succeededFuture();
    }
    if (!COMMANDS.contains(address)) {
      connection.error(replyAddress, 403, "access_denied: only " + String.join(", ", COMMANDS.stream().sorted().toList()) + " accept messages");
      return Future.succeededFuture();
    }
    if (replyAddress != null && replyAddress.length() > MAX_REPLY_ADDRESS) {
      connection.error(null, 400, "replyAddress is longer than " + MAX_REPLY_ADDRESS + " characters");
      return Future.succeededFuture();
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      connection.error(replyAddress, 400, "body must be a JSON object");
      return Future.succeededFuture();
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      connection.error(replyAddress, 429, "too many requests in flight: wait for replies");
      return Future.succeededFuture();
    }
    WriteCommand command;
    try {
      // Only the command's own fields are read from the client's body; who acts is what this connection verified.
      command = WriteCommand.parse(address, body, who.actor(), ClientAddress.host(connection.clientAddress),
          connection.bridge.config.limits().maxTextChars());
    } catch (Failure.Rejected e) {
      connection.error(replyAddress, e.code, e.getMessage());
      return Future.succeededFuture();
    }
    inFlight++;
    String to = RoomOwners.of(connection.bridge.vertx).address(command.room(), address);
    connection.bridge.vertx.eventBus().<Ack>request(to, command).onComplete(result -> {
      inFlight--;
      if (result.succeeded()) {
        if (replyAddress != null) {
          // The reply a polyglot client reads: the ack's JSON, as the core has always answered it.
          JsonObject ack = result.result().body().toJson();
          connection.write(connection.bridge.dialect.wire(connection.bridge.dialect.delivery(replyAddress, ack, true)));
        }
      } else {
        connection.error(replyAddress, Failure.codeOf(result.cause()), Failure.messageOf(result.cause()));
      }
    });
    return Future.succeededFuture();
  }

  private void drop(BusSubscription subscription) {
    connection.bridge.engine.cancelExpiry(subscription.expiryTimer);
    subscription.stop();
    connection.bridge.engine.unsubscribe(subscription.room, subscription);
  }

  /** Whether a subscription's reader is the account {@code accountKey}. */
  boolean readsAs(String accountKey) {
    return subscriptions.values().stream().anyMatch(s -> SessionEngine.isAccount(s.reader, accountKey));
  }

  /** Shutdown: an {@code err} 503 on each registered feed with its resume point. */
  void goingAway() {
    for (BusSubscription subscription : List.copyOf(subscriptions.values())) {
      connection.error(subscription.address, Failure.UNAVAILABLE, subscription.goingAway().reason());
    }
  }

  /** The connection ends: every subscription is released. */
  void dropAll() {
    subscriptions.values().forEach(this::drop);
    subscriptions.clear();
  }
}
