package dev.hubbub.limits;

import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * The client address a bridge puts on a write command, for the caps counted per address in the core (rooms
 * created). Like the identity fields, only a bridge sets it: the WebSocket and page bridges build commands
 * afresh, the event-bus bridges copy only a command's own fields from a client's body, and every bridge
 * replaces whatever was there. Behind a trusted proxy it is the forwarded client's address.
 */
public final class ClientAddress {

  public static final String FIELD = WriteCommand.CLIENT_ADDRESS;

  private ClientAddress() {
  }

  /** Puts {@code address} (its IP) on {@code command}, or removes the field when it is unknown. */
  public static JsonObject into(JsonObject command, SocketAddress address) {
    String host = host(address);
    if (host == null) {
      command.remove(FIELD);
    } else {
      command.put(FIELD, host);
    }
    return command;
  }

  /** The IP of {@code address} as a typed command carries it ({@link WriteCommand#clientAddress}), or null when unknown. */
  public static String host(SocketAddress address) {
    String host = address == null ? null : address.hostAddress() != null ? address.hostAddress() : address.host();
    return host == null || host.isEmpty() ? null : host;
  }

  /** The address a bridge put on {@code command}, or null (a command from inside the hub, or a test). */
  public static String of(JsonObject command) {
    return command.getValue(FIELD) instanceof String host && !host.isEmpty() ? host : null;
  }
}
