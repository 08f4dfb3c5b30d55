package dev.hubbub.cluster;

import dev.hubbub.feed.LocalRoomOwners;
import dev.hubbub.feed.RoomOwners;

/**
 * Room ownership on a clustered node, in two levels: {@link ClusterOwners} picks the node (rendezvous
 * hashing over the ready members), and on that node {@link LocalRoomOwners} picks the shard. Writes for a
 * room owned here go straight to the local shard; the others go to the public address, which this node's
 * {@link CommandRouter} sends to the owner node. A shard trusts the router's choice of node and only checks
 * its own hash: two routers that briefly disagree during a move could otherwise bounce a command between
 * nodes, and the database's {@code (room, seq)} key already fences a write from a node that lost the room.
 */
public final class ClusterRoomOwners implements RoomOwners {

  private final Cluster cluster;
  private final LocalRoomOwners local;

  public ClusterRoomOwners(Cluster cluster, LocalRoomOwners local) {
    this.cluster = cluster;
    this.local = local;
  }

  @Override
  public String address(String room, String command) {
    return cluster.owners().ownedHere(room) ? shardAddress(local.shardOf(room), command) : command;
  }

  @Override
  public boolean ownedHere(String room, int shard) {
    return local.ownedHere(room, shard);
  }

  @Override
  public void onChange(Runnable listener) {
    cluster.onChange(listener);
  }

  @Override
  public int localShards() {
    return local.localShards();
  }

  /** Unique in the cluster (the node id is in it), as shards consume it with a clustered consumer. */
  @Override
  public String shardAddress(int shard, String command) {
    return cluster.coreAddress(local.shardAddress(shard, command));
  }

  /** Node-private: the public address is this node's router's. */
  @Override
  public String frontDoor(String command) {
    return cluster.coreAddress(command);
  }
}
