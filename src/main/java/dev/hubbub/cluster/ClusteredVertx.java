package dev.hubbub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.hubbub.config.ClusterSettings;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.metrics.MetricsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes a clustered Vert.x: Hazelcast with TCP/IP join on {@code cluster.members} (multicast and
 * auto-detection off), bound to {@code cluster.host:cluster.port}, the event bus on the next port, and a
 * short failure detector, so a node joins in seconds and a dead one is noticed within
 * {@code cluster.failureTimeoutMs}. Logs the member list at start and on every change.
 */
public final class ClusteredVertx {

  private static final Logger log = LoggerFactory.getLogger(ClusteredVertx.class);
  /** Where vertx-hazelcast keeps a member's Vert.x node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  /** Hazelcast map of the nodes whose command router is up. */
  static final String READY_MAP = "hubbub.ready";

  private ClusteredVertx() {
  }

  public static Future<Vertx> start(ClusterSettings settings, MetricsSettings metrics) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(settings));
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(settings.host()).setPort(settings.busPort()).setClusterPublicHost(settings.host())
        .setClusterPublicPort(settings.busPort()));
    VertxBuilder builder = Vertx.builder().withClusterManager(manager);
    if (metrics.enabled()) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
      builder.withMetrics(new MicrometerMetricsFactory(HubMetrics.get().registry()));
    }
    return builder.with(options).buildClustered().map(vertx -> {
      HazelcastInstance hz = manager.getHazelcastInstance();
      Cluster cluster = new Cluster(manager.getNodeId(), manager.getNodes());
      // Hazelcast's own listener, not the cluster manager's single NodeListener slot, which Vert.x uses itself.
      hz.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          changed(cluster, hz, "joined: " + describe(event.getMember()));
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          changed(cluster, hz, "left: " + describe(event.getMember()));
        }
      });
      // Which nodes' routers are up: an entry per ready node, dropped with its member.
      IMap<String, Boolean> ready = hz.getMap(READY_MAP);
      ready.addEntryListener((EntryAddedListener<String, Boolean>) e -> cluster.readyChanged(e.getKey(), true), false);
      ready.addEntryListener((EntryRemovedListener<String, Boolean>) e -> cluster.readyChanged(e.getKey(), false), false);
      cluster.announceReady = id -> ready.putAsync(id, true);
      hz.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          String gone = nodeId(event.getMember());
          if (gone != null) {
            ready.removeAsync(gone);
          }
        }
      });
      cluster.readyChanged(ready.keySet());
      Cluster.attach(vertx, cluster);
      // The listener may have missed a change between the node list read above and its registration.
      cluster.membersChanged(ids(hz));
      log.info("joined cluster '{}' as {} on {}:{} (event bus port {}); members: {}", settings.name(), manager.getNodeId(),
          settings.host(), settings.port(), settings.busPort(), describe(hz));
      return vertx;
    });
  }

  /** The programmatic Hazelcast configuration: vertx-hazelcast's maps, our network and failure detector. */
  static Config hazelcast(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Join fast: do not wait for more members before forming a cluster, and try the listed ones briefly.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.tcp.join.port.try.count", "1");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(Math.max(2, settings.failureTimeoutMs() / 1000)));
    // After a split brain, merge soon; vertx-hazelcast then republishes this node's consumers (its issue #90).
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.local.localAddress", settings.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    network.setPublicAddress(settings.host() + ":" + settings.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(settings.members());
    return config;
  }

  private static void changed(Cluster cluster, HazelcastInstance hz, String what) {
    cluster.membersChanged(ids(hz));
    log.info("cluster member {}; members now: {}", what, describe(hz));
  }

  private static List<String> ids(HazelcastInstance hz) {
    // Vert.x's node id, which its addresses use, is a member attribute (not Hazelcast's member UUID).
    return hz.getCluster().getMembers().stream().map(ClusteredVertx::nodeId).filter(id -> id != null).toList();
  }

  private static String nodeId(Member member) {
    return member.getAttribute(NODE_ID_ATTRIBUTE);
  }

  private static String describe(HazelcastInstance hz) {
    return hz.getCluster().getMembers().stream().sorted(Comparator.comparing(m -> String.valueOf(nodeId(m))))
        .map(ClusteredVertx::describe).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort() + " (" + nodeId(member) + (member.localMember() ? ", this node)" : ")");
  }
}
