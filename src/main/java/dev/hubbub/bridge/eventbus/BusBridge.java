package dev.hubbub.bridge.eventbus;

import dev.hubbub.bridge.RoomFanout;
import dev.hubbub.config.HubConfig;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;

import java.util.HashSet;
import java.util.Set;

/**
 * What the connections of one event-bus bridge instance share: the room fan-out (one bus consumer per
 * room for all of them), the dialect and the limits. Confined to the owning verticle's event loop.
 */
final class BusBridge {

  final Vertx vertx;
  final HubConfig config;
  final Dialect dialect;
  final RoomFanout<BusSubscription> fanout;
  private final Set<BusBridgeConnection> connections = new HashSet<>();
  private final ConnectionReporter reporter;

  BusBridge(Vertx vertx, HubConfig config, Dialect dialect) {
    this.vertx = vertx;
    this.config = config;
    this.dialect = dialect;
    this.fanout = new RoomFanout<>(vertx.eventBus());
    this.reporter = new ConnectionReporter(vertx, dialect == Dialect.TCP ? ConnectionReporter.TCP : ConnectionReporter.SOCKJS);
  }

  BusBridgeConnection open(BusBridgeConnection.Transport transport) {
    BusBridgeConnection connection = new BusBridgeConnection(this, transport);
    connections.add(connection);
    reporter.report(connections.size());
    return connection;
  }

  void forget(BusBridgeConnection connection) {
    if (connections.remove(connection)) {
      reporter.report(connections.size());
    }
  }

  int connections() {
    return connections.size();
  }
}
