package dev.hubbub.web;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Csrf;
import dev.hubbub.auth.HttpAuth;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.bridge.eventbus.SockJsBridge;
import dev.hubbub.bridge.eventbus.TcpBridge;
import dev.hubbub.bridge.sse.SseBridge;
import dev.hubbub.bridge.ws.WebSocketBridge;
import dev.hubbub.config.HubConfig;
import dev.hubbub.health.HealthRoutes;
import dev.hubbub.limits.ConnectionLog;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.EventLoopLag;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.metrics.MetricsSettings;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.web.pages.Assets;
import dev.hubbub.web.pages.DashboardPage;
import dev.hubbub.web.pages.RoomPages;
import dev.hubbub.web.pages.Views;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: REST API, static client and the bridges mounted on it, and the TCP bridge beside it.
 * Deployed once per event loop; the instances share the listening ports, and each owns its bridges, their
 * sessions and the one {@link SessionEngine} they all subscribe through.
 */
public class HttpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpServerVerticle.class);
  /** The send endpoints of SockJS's polling and streaming transports under the bridge: {@code /eventbus/<server>/<session>/xhr_send}. */
  private static final String SOCKJS_SEND = "/eventbus/[^/.]+/[^/.]+/(?:xhr|jsonp)_send";

  private WebSocketBridge webSockets;
  private SseBridge events;
  private SockJsBridge sockJs;
  private TcpBridge tcp;

  @Override
  public Future<?> start() {
    HubConfig config = HubConfig.from(config());
    return Authenticator.create(vertx, config.auth()).compose(authenticator -> listen(config, authenticator));
  }

  private Future<?> listen(HubConfig config, Authenticator authenticator) {
    HttpAuth auth = new HttpAuth(authenticator, config.auth());
    Csrf csrf = new Csrf(vertx, config.auth());
    // One subscription engine for every transport of this instance: one bus consumer per room, not one per transport.
    SessionEngine engine = new SessionEngine(vertx);
    webSockets = new WebSocketBridge(vertx, config, authenticator, engine);
    Views views = new Views(Assets.load());
    events = new SseBridge(vertx, config, views, auth, engine);
    sockJs = new SockJsBridge(vertx, config, authenticator, engine);
    tcp = config.tcp().enabled() ? new TcpBridge(vertx, config, authenticator, engine) : null;

    Router router = Router.router(vertx);
    TrustedProxies proxies = TrustedProxies.from(config());
    proxies.mount(router); // first: every later route sees the real client
    BadRequests.guard(router);
    new HealthRoutes(vertx).mount(router);
    MetricsSettings metrics = MetricsSettings.from(config());
    if (metrics.enabled() && !metrics.ownPort()) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(HubMetrics.get().registry()));
    }
    router.get("/ws").handler(webSockets::handle);
    // SockJS's HTTP transports post what the client sends (xhr_send, jsonp_send) and vertx-web reads it
    // through a BodyHandler. A body is a JSON array of escaped frames, possibly several batched, so it may
    // exceed one frame: cap it at the same 4x the WebSocket frame check allows; each frame is then held to the limit.
    router.postWithRegex(SOCKJS_SEND).handler(BodyHandler.create(false).setBodyLimit(4L * config.limits().maxFrameBytes()));
    router.route("/eventbus/*").subRouter(sockJs.router());
    router.get("/rooms/:room/events").handler(events::roomEvents);
    router.get("/dashboard/events").handler(events::dashboardEvents);
    new AccountApi(vertx, auth, csrf).mount(router);
    new RestApi(vertx, config.limits().maxFrameBytes(), config.limits().maxTextChars(), auth, csrf, config.abuse()).mount(router);
    RestApi.mountFallbacks(router);
    new RoomPages(vertx, config, views, auth, csrf.issue(), csrf.protect()).mount(router);
    new DashboardPage(vertx, views, auth, csrf.issue()).mount(router);
    // htmx and its SSE extension from their WebJars; the paths carry the version, so they may be cached.
    router.get(Assets.PREFIX + "*").handler(StaticHandler.create(Assets.WEBJARS_ROOT).setMaxAgeSeconds(86_400));
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    BadRequests.catchAll(router);

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        // Frames are checked at 4x the limit so that a moderately oversized one reaches the session, which
        // closes with 1009; messages (frames reassembled) are held to the limit itself.
        .setMaxWebSocketFrameSize(config.limits().maxFrameBytes() * 4)
        .setMaxWebSocketMessageSize(config.limits().maxFrameBytes())
        // A connection with no traffic either way (a stalled request, a silent socket) is closed; open
        // streams stay busy with SSE keep-alives and WebSocket pings.
        .setIdleTimeout(config.abuse().httpIdleTimeoutSeconds())
        // No h2c detection: it holds a new connection until its first bytes, so a silent one would never
        // reach the connection handler that caps sockets per address (capSockets). Browsers never use h2c.
        .setHttp2ClearTextEnabled(false);
    EventLoopLag.watch(vertx); // by default there is one instance per event loop, so every loop is watched
    return vertx.createHttpServer(options)
        .connectionHandler(connection -> capSockets(config, proxies, connection))
        .requestHandler(router)
        .listen()
        .onSuccess(server -> log.debug("HTTP instance listening on {}:{}", config.http().host(), server.actualPort()))
        .compose(server -> tcp == null ? Future.succeededFuture(server) : tcp.listen(config).map(server))
        .compose(server -> metrics.ownPort() ? listenMetrics(config.http().host(), metrics.port()) : Future.succeededFuture(server));
  }

  /**
   * Undeployed at shutdown before the core (see {@code Hub#shutDown}): every client is told the hub is
   * going away, with its resume point, before the server closes; how many goes to {@link Addresses#SHUTDOWN_TOLD}.
   */
  @Override
  public Future<?> stop() {
    if (webSockets == null) {
      return Future.succeededFuture();
    }
    int sse = events.shutDown();
    int bridged = sockJs.shutDown() + (tcp == null ? 0 : tcp.shutDown());
    return webSockets.shutDown().onSuccess(ws -> vertx.eventBus().send(Addresses.SHUTDOWN_TOLD,
        new JsonObject().put("ws", ws).put("sse", sse).put("bridge", bridged)));
  }

  /**
   * Closes a new connection at once when its address holds {@code limits.maxSocketsPerAddress} already, so
   * silent sockets from one address cannot use up the file descriptors; a trusted proxy carries many clients.
   */
  private void capSockets(HubConfig config, TrustedProxies proxies, HttpConnection connection) {
    SocketAddress peer = connection.remoteAddress();
    ConnectionLog.Opened opened = ConnectionLog.opened("http", peer);
    String host = peer == null || peer.hostAddress() == null ? "" : peer.hostAddress();
    if (proxies.trusted(host)) {
      whenClosed(connection, () -> ConnectionLog.closed(opened));
      return;
    }
    Limits limits = Limits.of(vertx);
    if (!limits.tryOpenSocket(config.abuse(), host)) {
      ConnectionLog.refused(opened, "its address holds limits.maxSocketsPerAddress already");
      connection.close();
      return;
    }
    whenClosed(connection, () -> {
      limits.releaseSocket(config.abuse(), host);
      ConnectionLog.closed(opened);
    });
  }

  /**
   * Runs {@code then} once when the TCP connection closes. A connection upgraded to a WebSocket never calls
   * its {@code closeHandler}, so the channel's own close future is used (Vert.x's internal connection type;
   * thread-safe callers only, it completes on the event loop of the channel).
   */
  private static void whenClosed(HttpConnection connection, Runnable then) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
      base.channel().closeFuture().addListener(f -> then.run());
    } else {
      connection.closeHandler(v -> then.run());
    }
  }

  /** {@code /metrics} alone on its own port; the instances share it like the main one. */
  private Future<HttpServer> listenMetrics(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(HubMetrics.get().registry()));
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router).listen();
  }
}
