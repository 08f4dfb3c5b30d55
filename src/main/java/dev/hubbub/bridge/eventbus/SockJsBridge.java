package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Origins;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The event-bus bridge over SockJS, for browsers and Node ({@code @vertx/eventbus-bridge-client.js}).
 * vertx-web provides the SockJS transports; the bridge protocol is Hubbub's own {@link BusBridgeConnection}
 * so that room feeds share one consumer per instance and slow clients are cut off.
 */
public final class SockJsBridge {

  /** SockJS close code for a connection the server ends (its "go away" range). */
  private static final int CLOSE_CODE = 3008;
  /** The sockjs-client the iframe transports' page loads: the hub's own WebJar copy, never a CDN. */
  private static final String LIBRARY_URL = "/assets/sockjs-client/1.6.1/dist/sockjs.min.js";

  private final BusBridge bridge;

  public SockJsBridge(Vertx vertx, HubConfig config, Authenticator authenticator, SessionEngine engine) {
    this.bridge = new BusBridge(vertx, config, Dialect.SOCKJS, authenticator, engine);
  }

  /** A router to mount under the bridge path, e.g. {@code /eventbus/*}. */
  public Router router() {
    SockJSHandlerOptions options = new SockJSHandlerOptions().setRegisterWriteHandler(false).setLibraryURL(LIBRARY_URL);
    return SockJSHandler.create(bridge.vertx, options).socketHandler(this::accept);
  }

  private void accept(SockJSSocket socket) {
    socket.setWriteQueueMaxSize(bridge.config.limits().outboundQueueBytes());
    // SockJS strips cookies from socket.headers(), so read the request that opened the session. A browser
    // sends the login cookie on its own, so it only counts from an allowed origin.
    MultiMap headers = socket.routingContext() != null ? socket.routingContext().request().headers() : socket.headers();
    Credentials handshake = Credentials.from(headers);
    boolean foreignCookie = handshake != null && handshake.fromCookie()
        && !Origins.allowed(headers, bridge.config.auth().allowedOrigins(),
            socket.routingContext() != null && socket.routingContext().request().isSSL() ? "https" : "http");
    BusBridgeConnection connection = bridge.admit(
        BusTransport.of(socket, () -> socket.close(CLOSE_CODE, "closed by server")),
        foreignCookie ? null : handshake, socket.remoteAddress());
    socket.closeHandler(v -> connection.closed()); // releases the count and the place once, however often it runs
    if (bridge.refuseWhileShuttingDown(connection)) {
      return;
    }
    if (foreignCookie) {
      connection.disconnect(403, "origin not allowed to use the login cookie");
      return;
    }
    socket.handler(connection::onFrame);
    socket.exceptionHandler(e -> {
      // A WebSocket message over the server's limit surfaces here rather than as a frame.
      if (String.valueOf(e.getMessage()).contains("max message size")) {
        connection.disconnect(413, "frame too large: the limit is " + bridge.config.limits().maxFrameBytes() + " bytes");
      } else {
        connection.closing(); // the close handler follows, and releases the connection's place
      }
    });
  }

  /** Shutdown: every connection gets its going-away {@code err} frames; returns how many. */
  public int shutDown() {
    return bridge.shutDown();
  }

  /** Open SockJS connections on this instance. */
  public int connections() {
    return bridge.connections();
  }
}
