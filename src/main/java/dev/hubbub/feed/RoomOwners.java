package dev.hubbub.feed;

import dev.hubbub.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

/**
 * Which shard owns each room's sequencing (and presence) right now.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>At any moment a room has at most one owner shard; {@link #address} names it. Commands sent there
 *       for one room are handled in the order they arrive.</li>
 *   <li>Ownership may move (a clustered implementation moves rooms when members join or leave). A shard that
 *       receives a command for a room it no longer owns ({@link #ownedHere} false) forwards it to
 *       {@link #address}; it never sequences it.</li>
 *   <li>Ownership is advisory; the database's {@code (room, seq)} unique key is the fence. A stale owner's
 *       write fails there; that shard drops its cached head for the room, re-reads it and retries or
 *       forwards, and never publishes or acknowledges the failed write.</li>
 *   <li>All methods are cheap, never block, and may be called on any thread.</li>
 * </ul>
 * The hub installs the instance ({@link #install}) before it deploys the core; everyone else asks {@link #of}.
 */
public interface RoomOwners extends Shareable {

  /** The event-bus address where {@code command} (Addresses.CHAT, EDIT, DELETE, JOIN, LEAVE, ROSTER ...) for {@code room} goes now. */
  String address(String room, String command);

  /** Whether local shard {@code shard} owns {@code room} now (a shard forwards commands for rooms it no longer owns). */
  boolean ownedHere(String room, int shard);

  /** Called (on any thread) whenever ownership may have changed, e.g. members joined or left. */
  void onChange(Runnable listener);

  /** How many shards this node runs, numbered {@code 0 .. localShards() - 1}. */
  int localShards();

  /**
   * The address on which local shard {@code shard} consumes {@code command}: what {@link #address} returns
   * for the rooms that shard owns. A clustered implementation makes it unique in the cluster (e.g. with the
   * node id), and shards then register it with {@code consumer}, not {@code localConsumer}.
   */
  String shardAddress(int shard, String command);

  /**
   * Where this node's core takes {@code command} from outside (a bridge client, another shard): the public
   * address itself on a single hub; a node-private one when clustered, as the node's router then serves the public one.
   */
  default String frontDoor(String command) {
    return command;
  }

  /** The instance the hub installed on {@code vertx}, or a local one with one shard per default event loop. */
  static RoomOwners of(Vertx vertx) {
    return (RoomOwners) vertx.sharedData().getLocalMap(LocalRoomOwners.KEY)
        .computeIfAbsent(LocalRoomOwners.KEY, k -> LocalRoomOwners.perEventLoop());
  }

  /** Makes {@code owners} the instance {@link #of} returns on {@code vertx}; call before deploying the core. */
  static void install(Vertx vertx, RoomOwners owners) {
    vertx.sharedData().getLocalMap(LocalRoomOwners.KEY).put(LocalRoomOwners.KEY, owners);
  }
}
