package dev.hubbub.cluster;

import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
  /** Every member Hazelcast sees. */
  private volatile List<String> joined;
  /** Members whose router serves commands: only those own rooms. */
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private volatile List<String> members = List.of();
  /** Publishes this node's readiness to the others (a Hazelcast map entry); set by {@link ClusteredVertx}. */
  volatile Consumer<String> announceReady = id -> { };
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  Cluster(String nodeId, List<String> members) {
    this.nodeId = nodeId;
    this.joined = List.copyOf(members);
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

  /**
   * The member node ids that own rooms now, sorted: those Hazelcast sees whose router is up (a node that
   * has joined but not yet started its hub owns nothing, so its rooms do not go dark meanwhile).
   */
  public List<String> members() {
    return members;
  }

  /** Every member node id Hazelcast sees now, ready or not. */
  public List<String> nodes() {
    return joined;
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

  /** Runs {@code listener} (on a Hazelcast thread) after every change of {@link #members}. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  void membersChanged(List<String> now) {
    joined = List.copyOf(now);
    recompute();
  }

  /** One node's router came up ({@code up}) or its entry went with it. */
  void readyChanged(String node, boolean up) {
    if (up) {
      ready.add(node);
    } else if (!node.equals(nodeId)) {
      ready.remove(node);
    }
    recompute();
  }

  /** Nodes whose routers are up, as the readiness map says (dead ones are filtered by membership). */
  void readyChanged(Collection<String> nodes) {
    ready.clear();
    ready.addAll(nodes);
    recompute();
  }

  /** This node's router is up: it owns its share of rooms from now on, here at once and soon everywhere. */
  void markReady() {
    ready.add(nodeId);
    recompute();
    announceReady.accept(nodeId);
  }

  private synchronized void recompute() {
    List<String> now = joined.stream().filter(ready::contains).sorted().toList();
    if (!now.equals(members)) {
      members = now;
      listeners.forEach(Runnable::run);
    }
  }
}
