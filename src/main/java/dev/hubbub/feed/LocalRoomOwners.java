package dev.hubbub.feed;

import io.vertx.core.VertxOptions;

/**
 * Ownership on one node: a room belongs to shard {@code hash(room) mod shards}, fixed for the life of the
 * hub, so {@link #onChange} listeners are never called. Shard addresses are the command address plus
 * {@code ".shard<n>"}, e.g. {@code hubbub.cmd.chat.shard2}, local to this node.
 */
public final class LocalRoomOwners implements RoomOwners {

  static final String KEY = "hubbub.roomOwners";

  private final int shards;

  public LocalRoomOwners(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("at least one shard, not " + shards);
    }
    this.shards = shards;
  }

  /** One shard per event loop of the default pool size (2 × cores). */
  public static LocalRoomOwners perEventLoop() {
    return new LocalRoomOwners(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  /** The shard that owns {@code room}: stable across restarts (String.hashCode is specified). */
  public int shardOf(String room) {
    return Math.floorMod(room.hashCode(), shards);
  }

  @Override
  public String address(String room, String command) {
    return shardAddress(shardOf(room), command);
  }

  @Override
  public boolean ownedHere(String room, int shard) {
    return shardOf(room) == shard;
  }

  @Override
  public void onChange(Runnable listener) {
    // Local ownership never changes.
  }

  @Override
  public int localShards() {
    return shards;
  }

  @Override
  public String shardAddress(int shard, String command) {
    return command + ".shard" + shard;
  }
}
