package dev.hubbub.stats;

import dev.hubbub.cluster.Cluster;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Tells the live figures how many connections one bridge instance holds. Each instance reports its own
 * count under its own id, so instances never share state; the figures add them up per transport, and on a
 * cluster per node (a report names its node), leaving out the nodes that are gone.
 */
public final class ConnectionReporter {

  public static final String WEBSOCKET = "websocket";
  public static final String SSE = "sse";
  public static final String SOCKJS = "sockjs";
  public static final String TCP = "tcp";
  /** Publish-only: {@code {transport}} each time a bridge disconnects a slow consumer (the dashboard charts them). */
  public static final String SLOW_CONSUMERS = "hubbub.slow";

  private final Vertx vertx;
  private final String transport;
  private final String instance = UUID.randomUUID().toString();
  /** This node's id in the cluster; null on a single hub. */
  private final String node;
  private final HubMetrics.Transport metricsTransport;
  private int reported;

  /** Reports zero right away, so the transport is listed even before its first connection. */
  public ConnectionReporter(Vertx vertx, String transport) {
    this.vertx = vertx;
    this.transport = transport;
    this.node = Cluster.of(vertx).map(Cluster::nodeId).orElse(null);
    this.metricsTransport = switch (transport) {
      case WEBSOCKET -> HubMetrics.Transport.WS;
      case SSE -> HubMetrics.Transport.SSE;
      case SOCKJS -> HubMetrics.Transport.SOCKJS;
      default -> HubMetrics.Transport.TCP;
    };
    report(0);
  }

  /**
   * For bridge code on an event loop that holds no reporter: a connection of {@code transport} was closed
   * as a slow consumer.
   */
  public static void slowConsumerClosed(String transport) {
    io.vertx.core.Context context = Vertx.currentContext();
    if (context != null) {
      context.owner().eventBus().publish(SLOW_CONSUMERS, new JsonObject().put("transport", transport));
    }
  }

  /** A connection of this transport was closed as a slow consumer. */
  public void slowConsumer() {
    vertx.eventBus().publish(SLOW_CONSUMERS, new JsonObject().put("transport", transport));
  }

  public void report(int connections) {
    HubMetrics.get().connections(metricsTransport, connections - reported);
    reported = connections;
    JsonObject report = new JsonObject().put("transport", transport).put("instance", instance).put("connections", connections);
    if (node != null) {
      report.put("node", node);
    }
    vertx.eventBus().publish(Addresses.CONNECTIONS, report);
  }
}
