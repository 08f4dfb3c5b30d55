package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the connections of one event-bus bridge instance share: the room fan-out (one bus consumer per
 * room for all of them), the dialect and the limits. Confined to the owning verticle's event loop.
 */
final class BusBridge {

  final Vertx vertx;
  final HubConfig config;
  final Dialect dialect;
  final HubMetrics.Transport metricsTransport;
  final SessionEngine engine;
  final Authenticator authenticator;
  final Limits limits;
  private final Set<BusBridgeConnection> connections = new HashSet<>();
  private final ConnectionReporter reporter;
  private boolean shuttingDown;

  BusBridge(Vertx vertx, HubConfig config, Dialect dialect, Authenticator authenticator, SessionEngine engine) {
    this.vertx = vertx;
    this.config = config;
    this.dialect = dialect;
    this.metricsTransport = dialect == Dialect.TCP ? HubMetrics.Transport.TCP : HubMetrics.Transport.SOCKJS;
    this.authenticator = authenticator;
    this.limits = Limits.of(vertx);
    this.engine = engine;
    this.reporter = new ConnectionReporter(vertx, dialect == Dialect.TCP ? ConnectionReporter.TCP : ConnectionReporter.SOCKJS);
    // Access changes reach the subscriptions, and account deletions the connections, through the engine.
  }

  /**
   * Counts a connection from {@code address} against the connection caps and opens it over {@code transport}:
   * refused, the client gets an {@code err} frame with the refusal's code (503 or 429) and the connection closes.
   * {@code onClose} must be called once when the transport closes; it releases the connection's place.
   */
  BusBridgeConnection admit(BusBridgeConnection.Transport transport, Credentials handshake, SocketAddress address,
                            Runnable[] onClose) {
    Limits.Refusal refusal = limits.tryOpen(config.abuse(), address);
    BusBridgeConnection connection = open(transport, handshake);
    connection.clientAddress = address;
    if (refusal != null) {
      onClose[0] = connection::closed;
      connection.refusing = true;
      // On the next turn, once the transport's handlers are set: a close from within the accept loses the frame.
      vertx.runOnContext(v -> connection.disconnect(refusal.status(), refusal.reason()));
    } else {
      onClose[0] = () -> {
        connection.closed();
        limits.release(config.abuse(), address);
      };
    }
    return connection;
  }

  /** {@code handshake}: credentials the transport brought when the connection opened, or null. */
  BusBridgeConnection open(BusBridgeConnection.Transport transport, Credentials handshake) {
    BusBridgeConnection connection = new BusBridgeConnection(this, transport, handshake);
    connections.add(connection);
    engine.enter(connection);
    reporter.report(connections.size());
    return connection;
  }

  void forget(BusBridgeConnection connection) {
    engine.exit(connection);
    if (connections.remove(connection)) {
      reporter.report(connections.size());
    }
  }

  /** Shutdown: every connection is told (see {@link BusBridgeConnection#shutDown}); returns how many. */
  int shutDown() {
    shuttingDown = true;
    List<BusBridgeConnection> all = List.copyOf(connections);
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
