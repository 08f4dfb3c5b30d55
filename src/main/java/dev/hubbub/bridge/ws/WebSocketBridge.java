package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Origins;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.LimitSettings;
import dev.hubbub.limits.Limits;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Serves {@code GET /ws}: the seed-004 JSON protocol over WebSocket. One per HTTP server instance, used
 * only from that instance's event loop; it talks to the core through the event bus alone.
 */
public final class WebSocketBridge {

  private static final Logger log = LoggerFactory.getLogger(WebSocketBridge.class);

  final Vertx vertx;
  final HubConfig config;
  final SessionEngine engine;
  final Authenticator authenticator;
  final LimitSettings limitSettings;
  final Limits limits;
  private final Set<WsSession> sessions = new HashSet<>();
  private final ConnectionReporter reporter;
  private boolean shuttingDown;

  public WebSocketBridge(Vertx vertx, HubConfig config, Authenticator authenticator, SessionEngine engine) {
    this.vertx = vertx;
    this.config = config;
    this.authenticator = authenticator;
    // Access changes and account deletions reach the sessions through the engine.
    this.engine = engine;
    this.reporter = new ConnectionReporter(vertx, ConnectionReporter.WEBSOCKET);
    this.limitSettings = config.abuse();
    this.limits = Limits.of(vertx);
    // A ping now and then keeps a quiet member's connection from counting as idle (limits.httpIdleTimeoutSeconds).
    vertx.setPeriodic(limitSettings.wsPingSeconds() * 1000L, id -> sessions.forEach(WsSession::ping));
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
    Limits.Refusal refusal = limits.tryOpen(limitSettings, ctx.request().remoteAddress());
    if (refusal != null) {
      ctx.response().setStatusCode(refusal.status()).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("error", refusal.reason()).encode());
      return;
    }
    var address = ctx.request().remoteAddress();
    ctx.request().toWebSocket()
        .onSuccess(ws -> accept(ws, credentials, () -> limits.release(limitSettings, address)))
        .onFailure(e -> {
          limits.release(limitSettings, address);
          log.debug("WebSocket upgrade failed: {}", e.getMessage());
        });
  }

  private void accept(ServerWebSocket ws, Credentials credentials, Runnable release) {
    ws.setWriteQueueMaxSize(config.limits().outboundQueueBytes());
    WsSession session = new WsSession(this, ws);
    if (credentials != null) {
      session.authenticate(credentials);
    }
    sessions.add(session);
    engine.enter(session);
    reporter.report(sessions.size());
    ws.closeHandler(v -> {
      release.run();
      sessions.remove(session);
      engine.exit(session);
      reporter.report(sessions.size());
      session.closed();
    });
  }

  /**
   * Shutdown: refuse new upgrades and close every connection with 1001 and its resume point. Completes
   * when the close frames are written (or failed).
   */
  public Future<Integer> shutDown() {
    shuttingDown = true;
    List<Future<Void>> closing = new ArrayList<>();
    new ArrayList<>(sessions).forEach(session -> closing.add(session.shutDown()));
    return Future.join(closing).otherwiseEmpty().map(v -> closing.size());
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** Open WebSocket connections on this instance. */
  public int connections() {
    return sessions.size();
  }
}
