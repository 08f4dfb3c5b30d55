package dev.hubbub.bridge.eventbus;

import dev.hubbub.bridge.RoomFanout;
import dev.hubbub.config.HubConfig;
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

  BusBridge(Vertx vertx, HubConfig config, Dialect dialect) {
    this.vertx = vertx;
    this.config = config;
    this.dialect = dialect;
    this.fanout = new RoomFanout<>(vertx.eventBus());
  }

  BusBridgeConnection open(BusBridgeConnection.Transport transport) {
    BusBridgeConnection connection = new BusBridgeConnection(this, transport);
    connections.add(connection);
    return connection;
  }

  void forget(BusBridgeConnection connection) {
    connections.remove(connection);
  }

  int connections() {
    return connections.size();
  }
}
