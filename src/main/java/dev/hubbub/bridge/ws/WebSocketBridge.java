package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Origins;
import dev.hubbub.bridge.Connections;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves {@code GET /ws}: the seed-004 JSON protocol over WebSocket. One per HTTP server instance, used
 * only from that instance's event loop; it talks to the core through the event bus alone.
 */
public final class WebSocketBridge {

  private static final Logger log = LoggerFactory.getLogger(WebSocketBridge.class);

  final Vertx vertx;
  final HubConfig config;
  final SessionEngine engine;
  /** Open connections: counted, capped, and told of account deletions. */
  final Connections<WsSession> connections;
  private boolean shuttingDown;

  public WebSocketBridge(Vertx vertx, HubConfig config, Authenticator authenticator, SessionEngine engine) {
    this.vertx = vertx;
    this.config = config;
    // Access changes and account deletions reach the sessions through the engine.
    this.engine = engine;
    this.connections = engine.connections(ConnectionReporter.WEBSOCKET, authenticator::verify, config);
    // A ping now and then keeps a quiet member's connection from counting as idle (limits.httpIdleTimeoutSeconds).
    vertx.setPeriodic(config.abuse().wsPingSeconds() * 1000L, id -> connections.all().forEach(WebSocketBridge::ping));
  }

  /**
   * The upgrade. A token may come with it ({@code Authorization: Bearer}, or the login cookie, which is
   * only honoured from an allowed {@code Origin}: browsers send cookies whoever opened the socket), or
   * later in an {@code auth} frame.
   */
  public void handle(RoutingContext ctx) {
    if (shuttingDown) {
      ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("error", "hub is shutting down, try again").encode());
      return;
    }
    Credentials credentials = Credentials.from(ctx.request().headers());
    if (credentials != null && credentials.fromCookie() && !Origins.allowed(ctx.request().headers(), config.auth().allowedOrigins(),
        ctx.request().isSSL() ? "https" : "http")) {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("error", "origin not allowed to use the login cookie").encode());
      return;
    }
    Limits.Refusal refusal = connections.tryOpen(ctx.request().remoteAddress());
    if (refusal != null) {
      ctx.response().setStatusCode(refusal.status()).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("error", refusal.reason()).encode());
      return;
    }
    var address = ctx.request().remoteAddress();
    ctx.request().toWebSocket()
        .onSuccess(ws -> accept(ws, credentials, address))
        .onFailure(e -> {
          connections.release(address);
          log.debug("WebSocket upgrade failed: {}", e.getMessage());
        });
  }

  /** {@code place}: the address admitted under the connection caps; the session releases it when the socket closes. */
  private void accept(ServerWebSocket ws, Credentials credentials, SocketAddress place) {
    ws.setWriteQueueMaxSize(config.limits().outboundQueueBytes());
    WsSession session = new WsSession(this, ws, place);
    if (credentials != null) {
      session.authenticate(credentials);
    }
    ws.closeHandler(v -> session.closed());
  }

  /** Keeps a connection from counting as idle; a peer that is gone makes the write fail quietly. */
  private static void ping(WsSession session) {
    if (!session.transportClosed() && !session.ws.writeQueueFull()) {
      session.ws.writePing(Buffer.buffer());
    }
  }

  /**
   * Shutdown: refuse new upgrades and close every connection with 1001 and its resume point. Completes
   * when the close frames are written (or failed).
   */
  public Future<Integer> shutDown() {
    shuttingDown = true;
    List<Future<Void>> closing = new ArrayList<>();
    connections.all().forEach(session -> closing.add(session.shutDown()));
    return Future.join(closing).otherwiseEmpty().map(v -> closing.size());
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** Open WebSocket connections on this instance. */
  public int connections() {
    return connections.size();
  }
}
