package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** One room feed registered by an event-bus bridge client. Each event becomes one delivery frame. */
final class BusSubscription extends FeedSession {

  final String address;
  final String room;
  /** Who registered it: access is checked for them, and rechecked when the room's access changes. */
  final Identity reader;
  /** Ends the subscription when the reader's token expires; -1 when it never does. */
  long expiryTimer = -1;
  private final BusBridgeConnection connection;

  BusSubscription(BusBridgeConnection connection, String address, String room, Identity reader) {
    this.connection = connection;
    this.address = address;
    this.room = room;
    this.reader = reader;
  }

  /**
   * Access was granted: the subscription joins the room's feed, ends with the reader's token, and writes
   * the {@code history} delivery (the resume point's epoch), then what it missed (only when it asked, with
   * {@code since}, in {@code epoch}), then goes live.
   */
  void start(Long since, String epoch) {
    SessionEngine engine = connection.engine();
    expiryTimer = engine.atExpiry(reader, () -> connection.requests.revoke(this, 401, "token expired: register again with a fresh token"));
    engine.subscribe(room, this).onComplete(registered -> {
      if (!connection.requests.holds(this)) {
        return; // unregistered or closed meanwhile
      }
      replaying();
      JsonObject query = reader.into(new JsonObject().put("room", room));
      if (since == null) {
        query.put("limit", 0); // a plain registration is live only: it asks for the epoch alone
      } else {
        query.put("since", since).put("epoch", epoch);
      }
      connection.request(Addresses.HISTORY, query).onComplete(history -> {
        if (history.succeeded()) {
          JsonObject reply = history.result().body();
          List<JsonObject> events = new ArrayList<>();
          reply.getJsonArray("messages").forEach(e -> events.add((JsonObject) e));
          replay(events, reply.getBoolean("truncated"), reply.getString("epoch"));
        } else {
          connection.error(address, Failure.codeOf(history.cause()), "history unavailable: " + Failure.messageOf(history.cause()));
          replay(List.of(), false, "");
        }
      });
    });
  }

  @Override
  protected void write(FeedEvent event) {
    connection.write(connection.dialect().feedDelivery(event));
  }

  /** A {@code history} delivery first (epoch, truncated, how many replayed deliveries follow), then the events. */
  @Override
  protected void writeHistory(List<JsonObject> events, boolean truncated, String epoch) {
    Dialect dialect = connection.dialect();
    JsonObject history = new JsonObject().put("type", "history").put("room", room).put("epoch", epoch)
        .put("truncated", truncated).put("count", events.size());
    connection.write(dialect.wire(dialect.delivery(address, history, false)));
    for (JsonObject event : events) {
      connection.write(dialect.wire(dialect.delivery(address, event, false)));
    }
  }

  @Override
  protected boolean writeQueueFull() {
    return connection.writeQueueFull();
  }

  @Override
  protected boolean transportClosed() {
    return connection.isClosed();
  }

  @Override
  protected void failed(Throwable cause) {
    connection.failed(cause);
  }

  @Override
  protected void close(Disconnect disconnect) {
    ConnectionReporter.slowConsumerClosed("eventbus");
    connection.disconnect(429, disconnect.reason());
  }

  @Override
  protected Identity reader() {
    return reader;
  }

  /** The reader may no longer read the room: an {@code err} 403 on the feed address, and the feed is gone. */
  @Override
  protected void revoked(String reason) {
    connection.requests.revoke(this, 403, reason);
  }
}
