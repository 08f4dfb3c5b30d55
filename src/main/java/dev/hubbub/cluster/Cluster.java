package dev.hubbub.cluster;

import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's place in the cluster: its id (the Vert.x / Hazelcast node id), the members it sees now, and
 * who owns each room ({@link ClusterOwners}). One per clustered Vert.x, found with {@link #of}; a plain Vert.x has none.
 *
 * <p>Addresses: the core verticles of a clustered node serve their per-room commands on
 * {@link #coreAddress} ({@code hubbub.core.<node>.<command>}) instead of the public address, and the
 * node's {@link CommandRouter} serves {@link #nodeAddress} ({@code hubbub.node.<node>.<command>}) for the
 * other nodes, plus the public address for this node's own bridges and bus clients.
 */
public final class Cluster {

  private static final Map<Vertx, Cluster> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

  private final String nodeId;
  private final ClusterOwners owners;
  private volatile List<String> members;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  Cluster(String nodeId, List<String> members) {
    this.nodeId = nodeId;
    this.members = List.copyOf(members);
    this.owners = new ClusterOwners(this);
  }

  /** The cluster a clustered Vert.x made by {@link ClusteredVertx} belongs to; empty for a single hub. */
  public static Optional<Cluster> of(Vertx vertx) {
    return Optional.ofNullable(BY_VERTX.get(vertx));
  }

  /**
   * Hook for the core verticles: where to register the consumer of {@code address}. Unchanged on a single
   * hub; on a clustered node a node-private address, so the public one reaches this node's router, which
   * sends each room's command to its owner.
   */
  public static String serve(Vertx vertx, String address) {
    Cluster cluster = BY_VERTX.get(vertx);
    return cluster == null ? address : cluster.coreAddress(address);
  }

  static void attach(Vertx vertx, Cluster cluster) {
    BY_VERTX.put(vertx, cluster);
  }

  public String nodeId() {
    return nodeId;
  }

  /** The member node ids this node sees now, sorted; includes this node. */
  public List<String> members() {
    return members;
  }

  public ClusterOwners owners() {
    return owners;
  }

  public String coreAddress(String address) {
    return coreAddress(nodeId, address);
  }

  static String coreAddress(String node, String address) {
    return "hubbub.core." + node + "." + address;
  }

  static String nodeAddress(String node, String address) {
    return "hubbub.node." + node + "." + address;
  }

  /** Runs {@code listener} (on a Hazelcast thread) after every membership change. */
  void onChange(Runnable listener) {
    listeners.add(listener);
  }

  void membersChanged(List<String> now) {
    members = now.stream().sorted().toList();
    listeners.forEach(Runnable::run);
  }
}
