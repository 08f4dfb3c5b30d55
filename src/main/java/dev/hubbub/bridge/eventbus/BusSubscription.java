package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** One room feed registered by an event-bus bridge client. Each event becomes one delivery frame. */
final class BusSubscription extends FeedSession {

  final String address;
  final String room;
  /** Who registered it: access is checked for them, and rechecked when the room's access changes. */
  final Identity reader;
  /** Ends the subscription when the reader's token expires; 0 when it never does. */
  long expiryTimer;
  private final BusBridgeConnection connection;

  BusSubscription(BusBridgeConnection connection, String address, String room, Identity reader) {
    this.connection = connection;
    this.address = address;
    this.room = room;
    this.reader = reader;
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
    connection.revoke(this, 403, reason);
  }
}
