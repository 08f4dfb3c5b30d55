package dev.hubbub.bridge.ws;

import dev.hubbub.bridge.RoomFanout;
import dev.hubbub.config.HubConfig;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Serves {@code GET /ws}: the seed-004 JSON protocol over WebSocket. One per HTTP server instance, used
 * only from that instance's event loop; it talks to the core through the event bus alone.
 */
public final class WebSocketBridge {

  private static final Logger log = LoggerFactory.getLogger(WebSocketBridge.class);

  final Vertx vertx;
  final HubConfig config;
  final RoomFanout<WsSession> fanout;
  private final Set<WsSession> sessions = new HashSet<>();
  private final ConnectionReporter reporter;

  public WebSocketBridge(Vertx vertx, HubConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.fanout = new RoomFanout<>(vertx.eventBus());
    this.reporter = new ConnectionReporter(vertx, ConnectionReporter.WEBSOCKET);
  }

  public void handle(RoutingContext ctx) {
    ctx.request().toWebSocket()
        .onSuccess(this::accept)
        .onFailure(e -> log.debug("WebSocket upgrade failed: {}", e.getMessage()));
  }

  private void accept(ServerWebSocket ws) {
    ws.setWriteQueueMaxSize(config.limits().outboundQueueBytes());
    WsSession session = new WsSession(this, ws);
    sessions.add(session);
    reporter.report(sessions.size());
    ws.closeHandler(v -> {
      sessions.remove(session);
      reporter.report(sessions.size());
      session.closed();
    });
  }

  /** Open WebSocket connections on this instance. */
  public int connections() {
    return sessions.size();
  }
}
