package dev.hubbub.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which member owns each room's sequencing and presence: rendezvous (highest random weight) hashing of
 * the room over the members this node sees, so every node that sees the same members picks the same
 * owner, the rooms spread evenly, and a join or a leave moves only the rooms it must (about 1/n of them).
 *
 * <p>This is the node half of {@link ClusterRoomOwners}: the owner node's own shard hash then picks the
 * shard. The database's {@code (room, seq)} key stays the final fence: two nodes that briefly disagree on
 * an owner cannot both store the same seq.
 */
public final class ClusterOwners {

  private final Cluster cluster;

  ClusterOwners(Cluster cluster) {
    this.cluster = cluster;
  }

  /** The member that owns {@code room} now. */
  public String owner(String room) {
    return owner(room, cluster.members());
  }

  public boolean ownedHere(String room) {
    return cluster.nodeId().equals(owner(room));
  }

  static String owner(String room, List<String> members) {
    String best = null;
    long bestScore = 0;
    for (String member : members) {
      long score = score(member, room);
      // Ties (astronomically rare) go to the smaller id, so every node still agrees.
      if (best == null || Long.compareUnsigned(score, bestScore) > 0
          || score == bestScore && member.compareTo(best) < 0) {
        best = member;
        bestScore = score;
      }
    }
    return best;
  }

  /** FNV-1a over member, a separator and room, then a 64-bit finaliser so close names score apart. */
  static long score(String member, String room) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
    h = (h ^ 0xff) * 0x100000001b3L;
    h = fnv(h, room.getBytes(StandardCharsets.UTF_8));
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
