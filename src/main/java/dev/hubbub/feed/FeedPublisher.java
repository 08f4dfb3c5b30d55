package dev.hubbub.feed;

import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.FeedEventCodec;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes room-feed events as typed {@link FeedEvent}s: one immutable instance reaches every consumer of
 * the node (the local codec copies nothing) and carries its wire forms, built once; between nodes it
 * travels as its JSON.
 */
final class FeedPublisher {

  private static final Logger log = LoggerFactory.getLogger(FeedPublisher.class);

  private final EventBus bus;

  FeedPublisher(EventBus bus) {
    this.bus = bus;
    FeedEventCodec.register(bus);
  }

  /** The event as the sequencer and presence build it (see {@link Events}); its JSON is unchanged on the wire. */
  void publish(String room, JsonObject event) {
    RoomEvent typed;
    try {
      typed = RoomEvent.fromJson(event);
    } catch (IllegalArgumentException e) {
      // Not one of the six: published as JSON, which the bridges still accept, rather than lost.
      log.warn("publishing an untyped feed event on room {}: {}", room, e.getMessage());
      bus.publish(Addresses.roomFeed(room), event);
      return;
    }
    publish(room, typed);
  }

  void publish(String room, RoomEvent event) {
    bus.publish(Addresses.roomFeed(room), new FeedEvent(event));
  }
}
