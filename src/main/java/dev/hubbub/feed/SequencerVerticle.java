package dev.hubbub.feed;

import dev.hubbub.auth.AccessCache;
import dev.hubbub.auth.Identity;
import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.CommandCodec;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.protocol.WriteCommand;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.CommitGroup;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.HistoryStores;
import dev.hubbub.store.StoreFile;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One sequencer shard: gives every persisted event (chat, edited, deleted) of the rooms it owns
 * ({@link RoomOwners}) its room's next {@code seq}, stores it, and only then publishes it. The hub deploys
 * one shard per event loop; each is confined to its event loop, so its heads need no locks, and each room
 * has exactly one writer.
 *
 * <p>Addresses: a shard consumes its own shard addresses ({@link RoomOwners#shardAddress}) for
 * {@link Addresses#CHAT}, {@link Addresses#EDIT}, {@link Addresses#DELETE} and {@link Addresses#DRAIN}, where
 * in-process senders reach the owner directly; and, like every shard, the public addresses, where a command
 * for a room another shard owns is forwarded there ({@link FrontDoor}). So polyglot clients keep using the
 * public addresses. Bodies are typed {@link WriteCommand}s (from the hub's bridges, answered with a typed
 * {@code Ack}) or JSON (answered in JSON). Writing is {@link ShardWriter}'s job (group commit, pipelining,
 * the fence); reads ({@link Addresses#HISTORY}, {@link Addresses#MESSAGES}) are served by {@link HistoryQueries}
 * on any shard, and presence's history read ({@link HistoryQueries#READ}) by the room's owner shard.
 */
public class SequencerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SequencerVerticle.class);

  private final int shard;
  /** The store on this shard's context; tests give their own. */
  private final Function<SequencerVerticle, HistoryStore> storeFactory;
  private HubConfig config;
  private RoomOwners owners;
  private ShardWriter writer;
  /** The embedded H2 file, checked after each commit; null for PostgreSQL and the in-memory store. */
  private Path storeFile;
  /** Set once the store file is found gone: nothing is acknowledged again until a restart. */
  private boolean storeGone;

  /** A shard on the database the hub opened (and migrated) once, committing on its own; the hub closes it. */
  public SequencerVerticle(Pool pool, int shard) {
    this(pool, null, shard);
  }

  /**
   * A shard whose appends share {@code commits} with the node's other shards (one transaction for the
   * batches of all of them), or commit on their own when it is null.
   */
  public SequencerVerticle(Pool pool, CommitGroup commits, int shard) {
    this(pool, shard, self -> HistoryStores.on(self.vertx, pool, self.config, commits));
  }

  SequencerVerticle(Pool pool, int shard, Function<SequencerVerticle, HistoryStore> storeFactory) {
    this.shard = shard;
    this.storeFactory = storeFactory;
  }

  @Override
  public Future<?> start() {
    config = HubConfig.from(config());
    owners = RoomOwners.of(vertx);
    storeFile = config.db().inMemory() ? null : StoreFile.of(config.db().url());
    HistoryStore store = storeFactory.apply(this);
    EventBus bus = vertx.eventBus();
    // Commands and acks travel the bus as typed values too (the hub registers them first; a test may not).
    CommandCodec.register(bus);
    AccessCache access = new AccessCache(bus, config.abuse().roomHeads());
    writer = new ShardWriter(vertx, shard, store, access, config.abuse(),
        Math.max(1, config.abuse().roomHeads() / owners.localShards()), this::checkStoreFile);
    owners.onChange(() -> context.runOnContext(v -> writer.forgetHeads(room -> !owners.ownedHere(room, shard))));
    HistoryQueries queries = new HistoryQueries(bus, store, config.history(), access);
    List<Future<?>> consumers = new ArrayList<>();
    consumers.add(access.start());
    // Every node's stored events, this shard's too: its cached reads of the room are stale.
    consumers.add(HistoryQueries.forgetStored(bus, store));
    consumers.add(bus.<Integer>localConsumer(ShardWriter.STORE_FAILED, msg -> {
      if (msg.body() != shard) {
        store.failed();
      }
    }).completion());
    command(Addresses.CHAT, consumers);
    command(Addresses.EDIT, consumers);
    command(Addresses.DELETE, consumers);
    consumers.add(bus.<JsonObject>consumer(owners.shardAddress(shard, Addresses.DRAIN), this::drain).completion());
    if (shard == 0) {
      // Local: the hub drains its own node's shards.
      consumers.add(bus.<JsonObject>localConsumer(Addresses.DRAIN, msg -> FrontDoor.drainAll(bus, owners, msg)).completion());
    }
    reader(Addresses.HISTORY, queries::history, consumers);
    reader(Addresses.MESSAGES, queries::messages, consumers);
    // Presence's subscribe reads here: the owner shard's store (a memory store is per shard), any shard for a room owned elsewhere.
    LocalCodec.register(bus);
    consumers.add(bus.<HistoryQueries.Read>localConsumer(owners.shardAddress(shard, HistoryQueries.READ), queries::read).completion());
    consumers.add(bus.<HistoryQueries.Read>localConsumer(HistoryQueries.READ, queries::read).completion());
    return Future.all(consumers);
  }

  /** Consumes {@code address} on this shard's own address and on the public one; commands for rooms owned elsewhere go there. */
  private void command(String address, List<Future<?>> consumers) {
    EventBus bus = vertx.eventBus();
    Handler<Message<Object>> routed = toOwner(address, msg -> accept(address, msg));
    consumers.add(bus.consumer(owners.shardAddress(shard, address), routed).completion());
    consumers.add(bus.consumer(owners.frontDoor(address), routed).completion());
  }

  /**
   * Consumes the read {@code address}, locally: this node answers from the shared store. (Clustered, a
   * request would go round-robin to any node's reader, a dead node's too until the cluster purges its
   * consumers, and be lost there.) Any shard answers from a database; the memory store is each shard's
   * own, so a read for a room another shard owns goes to that shard.
   */
  private void reader(String address, Handler<Message<JsonObject>> handler, List<Future<?>> consumers) {
    EventBus bus = vertx.eventBus();
    if (!config.db().inMemory()) {
      consumers.add(bus.localConsumer(address, handler).completion());
      return;
    }
    consumers.add(bus.localConsumer(owners.shardAddress(shard, address), handler).completion());
    consumers.add(bus.localConsumer(address, toOwner(address, handler)).completion());
  }

  /** {@code handler} for the rooms this shard owns; a command for a room owned elsewhere is forwarded there. */
  private <T> Handler<Message<T>> toOwner(String address, Handler<Message<T>> handler) {
    return msg -> {
      String room = WriteCommand.roomOf(msg.body());
      if (room == null || owners.ownedHere(room, shard)) {
        handler.handle(msg); // validation answers a missing or bad room
      } else {
        FrontDoor.forward(vertx.eventBus(), owners.address(room, address), msg);
      }
    };
  }

  /**
   * Shutdown: refuse new commands, write what is queued or in flight, then reply with how many commands
   * were answered meanwhile. Replies to those commands are sent before this one, so a bridge that closes
   * its connections after this reply has written their acks first.
   */
  private void drain(Message<JsonObject> msg) {
    writer.drain().onSuccess(msg::reply);
  }

  /**
   * Queues the write {@code msg} asks for, or answers the refusal. A typed {@link WriteCommand} was checked
   * by the bridge that made it; a JSON body (a bridge client, a tool) is parsed and checked here, by the same
   * rules, and answered in JSON.
   */
  private void accept(String address, Message<Object> msg) {
    if (writer.draining()) {
      msg.fail(Failure.UNAVAILABLE, "hub is shutting down, message not stored, try again");
      return;
    }
    if (storeGone) {
      msg.fail(Failure.UNAVAILABLE, ShardWriter.NOT_STORED);
      return;
    }
    try {
      boolean typed = msg.body() instanceof WriteCommand;
      WriteCommand command = typed ? (WriteCommand) msg.body()
          : WriteCommand.parse(address, msg.body(), config.limits().maxTextChars());
      if (!command.address().equals(address)) {
        throw Failure.badRequest("a command for " + command.address() + " was sent to " + address);
      }
      writer.enqueue(pending(msg, !typed, command, System.currentTimeMillis()));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  /** The write a checked command asks for: its event (seq 0 until planned), as the actor it names. */
  private static Pending pending(Message<Object> msg, boolean json, WriteCommand command, long now) {
    Identity who = Identity.of(command.actor());
    String username = who.requireName();
    String room = command.room();
    RoomEvent.Persisted event;
    CidKey cid = null;
    if (command instanceof WriteCommand.Post post) {
      event = new RoomEvent.Chat(room, username, post.text(), now, 0, MessageIds.next(now), who.guest());
      cid = post.cid() == null ? null : new CidKey(room, username, post.cid());
    } else if (command instanceof WriteCommand.Edit edit) {
      event = new RoomEvent.Edited(room, edit.id(), username, edit.text(), now, 0, who.guest());
    } else {
      event = new RoomEvent.Deleted(room, ((WriteCommand.Delete) command).id(), username, now, 0, who.guest());
    }
    return new Pending(msg, json, event, cid, who, command.clientAddress());
  }

  /**
   * A deleted H2 file keeps taking writes through its open handle, and all of them vanish at the next
   * start: after each commit, one stat (on a worker) makes sure the file is still there, before any ack.
   */
  private Future<Void> checkStoreFile() {
    if (storeFile == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> Files.exists(storeFile), false).compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      if (!storeGone) {
        storeGone = true;
        log.error("database file {} is gone: no message is acknowledged until the hub is restarted on a restored database",
            storeFile);
      }
      return Future.failedFuture("database file " + storeFile + " is gone");
    });
  }
}
