package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.bridge.Subscribe;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

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
   * Joins the room's feed, then subscribes in one request ({@link Subscribe}: access, then the resume
   * point's epoch and, only when asked with {@code since} in {@code epoch}, what it missed); granted, it
   * ends with the reader's token, writes the {@code history} delivery and the missed events, then goes
   * live. Fails with the core's refusal (401/403), for the caller to answer; it is then out of the feed.
   */
  Future<Void> start(Long since, String epoch) {
    SessionEngine engine = connection.engine();
    expiryTimer = engine.atExpiry(reader, () -> connection.requests.revoke(this, 401, "token expired: register again with a fresh token"));
    // A plain registration is live only: it asks for the epoch alone.
    JsonObject request = Subscribe.watch(room, reader, since, epoch, since == null ? 0 : null);
    return engine.subscribe(room, this)
        .compose(registered -> Subscribe.send(connection.bridge.vertx.eventBus(), request))
        .map(reply -> {
          if (!connection.requests.holds(this)) {
            return null; // unregistered or closed meanwhile
          }
          replaying();
          Failure.Rejected unread = reply.historyFailure();
          if (unread == null) {
            replay(reply.messages(), reply.truncated(), reply.epoch());
          } else {
            connection.error(address, unread.code, "history unavailable: " + unread.getMessage());
            replay(List.of(), false, "");
          }
          return null;
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
