package dev.hubbub.limits;

import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.net.SocketAddress;

/**
 * The client address a bridge puts on a write command ({@link WriteCommand#clientAddress}, the body's
 * {@code clientAddress} on the wire), for the caps counted per address in the core (rooms created). Like
 * the identity fields, only a bridge sets it: every bridge builds its commands afresh from a client's own
 * fields, so whatever a client put there is replaced. Behind a trusted proxy it is the forwarded client's address.
 */
public final class ClientAddress {

  private ClientAddress() {
  }

  /** The IP of {@code address} as a command carries it, or null when unknown. */
  public static String host(SocketAddress address) {
    String host = address == null ? null : address.hostAddress() != null ? address.hostAddress() : address.host();
    return host == null || host.isEmpty() ? null : host;
  }
}
