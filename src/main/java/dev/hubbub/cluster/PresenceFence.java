package dev.hubbub.cluster;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.FeedEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A node publishes presence events ({@code joined}, {@code left}, {@code roster}) only for rooms it owns:
 * after a room moves, its old owner forgets the room's sessions, and what its presence publishes about it
 * meanwhile (a delayed roster, the {@code left}s of forgetting) never reaches a subscriber, who follows
 * the new owner's roster. Persisted events are never fenced here: once stored they are published, and
 * the {@code (room, seq)} key already made sure only one owner stored each seq.
 *
 * <p>An outbound interceptor, so neither the presence nor the feed code knows about clustering. It reads
 * the typed events of the feed (and JSON ones, which the feed still accepts).
 */
final class PresenceFence {

  private static final Set<String> PRESENCE = Set.of(Events.JOINED, Events.LEFT, Events.ROSTER);

  private final Vertx vertx;
  private final Handler<DeliveryContext<Object>> interceptor;

  private PresenceFence(Vertx vertx, Handler<DeliveryContext<Object>> interceptor) {
    this.vertx = vertx;
    this.interceptor = interceptor;
  }

  static PresenceFence install(Vertx vertx, Cluster cluster) {
    Handler<DeliveryContext<Object>> interceptor = ctx -> {
      String room = Addresses.roomOf(ctx.message().address());
      if (room != null && !ctx.send() && isPresence(ctx.message().body()) && !cluster.owners().ownedHere(room)) {
        return; // dropped: not ours to announce
      }
      ctx.next();
    };
    vertx.eventBus().addOutboundInterceptor(interceptor);
    return new PresenceFence(vertx, interceptor);
  }

  static boolean isPresence(Object body) {
    if (body instanceof FeedEvent typed) {
      return PRESENCE.contains(typed.type());
    }
    return body instanceof JsonObject event && PRESENCE.contains(event.getString("type"));
  }

  void remove() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
  }
}
