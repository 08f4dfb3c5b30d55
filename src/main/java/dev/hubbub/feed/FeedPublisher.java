package dev.hubbub.feed;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.FeedEventCodec;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.eventbus.EventBus;

/**
 * Publishes room-feed events as typed {@link FeedEvent}s: one immutable instance reaches every consumer of
 * the node (the local codec copies nothing) and carries its wire forms, built once; between nodes it
 * travels as its JSON.
 */
final class FeedPublisher {

  private final EventBus bus;

  FeedPublisher(EventBus bus) {
    this.bus = bus;
    FeedEventCodec.register(bus);
  }

  /** Publishes {@code event} on its room's feed; returns the published instance (its wire forms are shared). */
  FeedEvent publish(String room, RoomEvent event) {
    return publish(new FeedEvent(event));
  }

  /** Publishes {@code event} on its room's feed. */
  FeedEvent publish(FeedEvent event) {
    bus.publish(Addresses.roomFeed(event.room()), event);
    return event;
  }
}
