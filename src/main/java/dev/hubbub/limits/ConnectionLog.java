package dev.hubbub.limits;

import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One debug line when a TCP connection opens and one when it closes, each with the connection's id (e.g.
 * {@code http-42}), for the HTTP port (every WebSocket, SSE, SockJS and REST connection) and the TCP bridge.
 * Only addresses and durations: never a token or a message. Logger {@code dev.hubbub.connections}.
 */
public final class ConnectionLog {

  private static final Logger log = LoggerFactory.getLogger("dev.hubbub.connections");
  private static final AtomicLong ids = new AtomicLong();

  /** A connection's id and when it opened. */
  public record Opened(String id, long nanos) {
  }

  private ConnectionLog() {
  }

  /** Names a new connection on {@code port} ("http" or "tcp") from {@code peer} and logs it. */
  public static Opened opened(String port, SocketAddress peer) {
    Opened opened = new Opened(port + "-" + ids.incrementAndGet(), System.nanoTime());
    log.debug("connection {} open from {}", opened.id, host(peer));
    return opened;
  }

  /** The connection was refused by a cap and closed at once. */
  public static void refused(Opened opened, String why) {
    log.debug("connection {} refused: {}", opened.id, why);
  }

  public static void closed(Opened opened) {
    if (log.isDebugEnabled()) {
      log.debug("connection {} closed after {} ms", opened.id, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened.nanos));
    }
  }

  private static String host(SocketAddress peer) {
    return peer == null ? "?" : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
  }
}
