package dev.hubbub.web;

import dev.hubbub.bridge.ws.WebSocketBridge;
import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: REST API, static client and the bridges mounted on it. Deployed once per event loop;
 * the instances share the listening port, and each owns its own bridge instances and their sessions.
 */
public class HttpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpServerVerticle.class);

  @Override
  public Future<?> start() {
    HubConfig config = HubConfig.from(config());
    WebSocketBridge webSockets = new WebSocketBridge(vertx, config);

    Router router = Router.router(vertx);
    router.get("/ws").handler(webSockets::handle);
    new RestApi(vertx, config.limits().maxFrameBytes()).mount(router);
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setMaxWebSocketFrameSize(config.limits().maxFrameBytes())
        .setMaxWebSocketMessageSize(config.limits().maxFrameBytes());
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(server -> log.debug("HTTP instance listening on {}:{}", config.http().host(), server.actualPort()));
  }
}
