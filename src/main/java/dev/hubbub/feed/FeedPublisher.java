package dev.hubbub.feed;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Publishes room-feed events, each with a cluster-unique {@link Addresses#EVENT_KEY_HEADER}. */
final class FeedPublisher {

  /** Random per process, so keys from different nodes of a cluster never collide. */
  private static final String NODE = UUID.randomUUID().toString();
  private static final AtomicLong COUNTER = new AtomicLong();

  private final EventBus bus;

  FeedPublisher(EventBus bus) {
    this.bus = bus;
  }

  void publish(String room, JsonObject event) {
    String key = NODE + ':' + Long.toString(COUNTER.incrementAndGet(), 36);
    bus.publish(Addresses.roomFeed(room), event, new DeliveryOptions().addHeader(Addresses.EVENT_KEY_HEADER, key));
  }
}
