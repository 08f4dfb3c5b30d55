package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.bridge.Connections;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

/**
 * What the connections of one event-bus bridge instance share: the room fan-out (one bus consumer per
 * room for all of them), the dialect, and their {@link Connections} (counts, caps, account deletion).
 * Confined to the owning verticle's event loop.
 */
final class BusBridge {

  final Vertx vertx;
  final HubConfig config;
  final Dialect dialect;
  final HubMetrics.Transport metricsTransport;
  final SessionEngine engine;
  final Connections<BusBridgeConnection> connections;
  private boolean shuttingDown;

  BusBridge(Vertx vertx, HubConfig config, Dialect dialect, Authenticator authenticator, SessionEngine engine) {
    this.vertx = vertx;
    this.config = config;
    this.dialect = dialect;
    this.metricsTransport = dialect == Dialect.TCP ? HubMetrics.Transport.TCP : HubMetrics.Transport.SOCKJS;
    // Access changes reach the subscriptions, and account deletions the connections, through the engine.
    this.engine = engine;
    this.connections = engine.connections(dialect == Dialect.TCP ? ConnectionReporter.TCP : ConnectionReporter.SOCKJS,
        authenticator::verify, config);
  }

  /**
   * Counts a connection from {@code address} against the connection caps and opens it over {@code transport}:
   * refused, the client gets an {@code err} frame with the refusal's code (503 or 429) and the connection closes.
   * {@link BusBridgeConnection#closed} must be called when the transport closes; it releases the connection's place.
   */
  BusBridgeConnection admit(BusTransport transport, Credentials handshake, SocketAddress address) {
    Limits.Refusal refusal = connections.tryOpen(address);
    BusBridgeConnection connection = new BusBridgeConnection(this, transport, handshake, refusal == null ? address : null);
    connection.clientAddress = address;
    if (refusal != null) {
      connection.refusing = true;
      // On the next turn, once the transport's handlers are set: a close from within the accept loses the frame.
      vertx.runOnContext(v -> connection.disconnect(refusal.status(), refusal.reason()));
    }
    return connection;
  }

  /** Shutdown: every connection is told (see {@link BusBridgeConnection#shutDown}); returns how many. */
  int shutDown() {
    shuttingDown = true;
    var all = connections.all();
    all.forEach(BusBridgeConnection::shutDown);
    return all.size();
  }

  /** After {@link #shutDown}, a new connection is told so and closed at once. */
  boolean refuseWhileShuttingDown(BusBridgeConnection connection) {
    if (shuttingDown) {
      connection.disconnect(503, "hub is shutting down, try again");
    }
    return shuttingDown;
  }

  int connections() {
    return connections.size();
  }
}
