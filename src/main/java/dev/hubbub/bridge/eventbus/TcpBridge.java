package dev.hubbub.bridge.eventbus;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus bridge over plain TCP, for clients in any language: each frame is a 4-byte big-endian
 * length followed by that many bytes of JSON, as in vertx-tcp-eventbus-bridge. Mounted by each HTTP
 * server instance (one per event loop) on a shared port, so its sessions share that loop's engine.
 */
public final class TcpBridge {

  private static final Logger log = LoggerFactory.getLogger(TcpBridge.class);

  private final Vertx vertx;
  private final BusBridge bridge;

  public TcpBridge(Vertx vertx, HubConfig config, Authenticator authenticator, SessionEngine engine) {
    this.vertx = vertx;
    this.bridge = new BusBridge(vertx, config, Dialect.TCP, authenticator, engine);
  }

  public Future<?> listen(HubConfig config) {
    NetServerOptions options = new NetServerOptions().setHost(config.tcp().host()).setPort(config.tcp().port());
    return vertx.createNetServer(options)
        .connectHandler(this::accept)
        .listen()
        .onSuccess(server -> log.debug("TCP bridge instance listening on {}:{}", config.tcp().host(), server.actualPort()));
  }

  private void accept(NetSocket socket) {
    dev.hubbub.limits.ConnectionLog.Opened opened = dev.hubbub.limits.ConnectionLog.opened("tcp", socket.remoteAddress());
    socket.setWriteQueueMaxSize(bridge.config.limits().outboundQueueBytes());
    // TCP clients have no handshake: they send their token in each frame's headers.
    BusBridgeConnection connection = bridge.admit(BusTransport.of(socket, socket::close), null, socket.remoteAddress());
    socket.closeHandler(v -> {
      connection.closed();
      dev.hubbub.limits.ConnectionLog.closed(opened);
    });
    if (bridge.refuseWhileShuttingDown(connection)) {
      return;
    }
    int firstFrameSeconds = bridge.config.abuse().tcpFirstFrameSeconds();
    // A connection that never completes a frame holds a socket for nothing (err 408).
    connection.client.expectWithin(firstFrameSeconds, "send a frame within " + firstFrameSeconds + "s");
    socket.handler(framing(connection, bridge.config.limits().maxFrameBytes()));
    socket.exceptionHandler(e -> log.debug("TCP bridge socket error: {}", e.getMessage()));
  }

  /** Shutdown, before the core: every client gets its going-away {@code err} frames; returns how many. */
  public int shutDown() {
    return bridge.shutDown();
  }

  /**
   * Splits the byte stream into frames: read a 4-byte length, then that many bytes. A length outside
   * 1..limit is refused before anything is buffered, so a huge or negative length costs nothing.
   */
  static RecordParser framing(BusBridgeConnection connection, int maxFrameBytes) {
    RecordParser parser = RecordParser.newFixed(4);
    boolean[] readingLength = {true};
    parser.handler(chunk -> {
      if (readingLength[0]) {
        int length = chunk.getInt(0);
        if (length <= 0 || length > maxFrameBytes) {
          connection.disconnect(413, "frame length " + length + " is outside 1.." + maxFrameBytes);
          parser.pause();
          return;
        }
        parser.fixedSizeMode(length);
        readingLength[0] = false;
      } else {
        parser.fixedSizeMode(4);
        readingLength[0] = true;
        connection.onFrame(chunk);
      }
    });
    return parser;
  }
}
