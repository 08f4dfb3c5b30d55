package dev.hubbub.feed;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Relays commands that reached a shard which does not own their room, and fans the drain out to every shard. */
final class FrontDoor {

  /** The hub bounds the whole drain with its own deadline; this only keeps a lost shard from holding the reply forever. */
  private static final long DRAIN_TIMEOUT_MS = 600_000;

  private FrontDoor() {
  }

  /**
   * Sends {@code msg} on to {@code owner} and relays the owner's reply, or its failure code and message, back.
   * The body goes as it came (a typed command, or a client's JSON), so the reply is of the kind its sender reads.
   */
  static void forward(EventBus bus, String owner, Message<?> msg) {
    bus.request(owner, msg.body(), new DeliveryOptions().setHeaders(msg.headers()))
        .onSuccess(reply -> msg.reply(reply.body()))
        .onFailure(e -> msg.fail(Failure.codeOf(e), Failure.messageOf(e)));
  }

  /** {@link Addresses#DRAIN}: drains every local shard, then replies the sum of their {@code commands}. */
  static void drainAll(EventBus bus, RoomOwners owners, Message<JsonObject> msg) {
    List<Future<Message<JsonObject>>> drains = new ArrayList<>();
    for (int shard = 0; shard < owners.localShards(); shard++) {
      drains.add(bus.request(owners.shardAddress(shard, Addresses.DRAIN), new JsonObject(), new DeliveryOptions().setSendTimeout(DRAIN_TIMEOUT_MS)));
    }
    Future.all(drains).onComplete(all -> {
      int commands = 0;
      for (Future<Message<JsonObject>> drain : drains) {
        if (drain.succeeded()) {
          commands += drain.result().body().getInteger("commands", 0);
        }
      }
      msg.reply(new JsonObject().put("commands", commands));
    });
  }
}
