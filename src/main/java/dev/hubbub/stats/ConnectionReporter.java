package dev.hubbub.stats;

import dev.hubbub.feed.Addresses;
import dev.hubbub.metrics.HubMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Tells the live figures how many connections one bridge instance holds. Each instance reports its own
 * count under its own id, so instances never share state; the figures add them up per transport.
 */
public final class ConnectionReporter {

  public static final String WEBSOCKET = "websocket";
  public static final String SSE = "sse";
  public static final String SOCKJS = "sockjs";
  public static final String TCP = "tcp";

  private final Vertx vertx;
  private final String transport;
  private final String instance = UUID.randomUUID().toString();
  private final HubMetrics.Transport metricsTransport;
  private int reported;

  /** Reports zero right away, so the transport is listed even before its first connection. */
  public ConnectionReporter(Vertx vertx, String transport) {
    this.vertx = vertx;
    this.transport = transport;
    this.metricsTransport = switch (transport) {
      case WEBSOCKET -> HubMetrics.Transport.WS;
      case SSE -> HubMetrics.Transport.SSE;
      case SOCKJS -> HubMetrics.Transport.SOCKJS;
      default -> HubMetrics.Transport.TCP;
    };
    report(0);
  }

  public void report(int connections) {
    HubMetrics.get().connections(metricsTransport, connections - reported);
    reported = connections;
    vertx.eventBus().publish(Addresses.CONNECTIONS,
        new JsonObject().put("transport", transport).put("instance", instance).put("connections", connections));
  }
}
