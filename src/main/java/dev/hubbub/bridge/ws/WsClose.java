package dev.hubbub.bridge.ws;

import dev.hubbub.bridge.Client;
import dev.hubbub.protocol.Disconnect;

/** The WebSocket close codes the hub uses, and which code each reason to end a connection gets. */
final class WsClose {

  /** A client that cannot keep up (RFC 6455 "try again later"). */
  static final short SLOW = 1013;
  /** RFC 6455 "going away": the hub is shutting down; the reason carries the resume point. */
  static final short GOING_AWAY = 1001;
  /** A text message that is not valid UTF-8 (RFC 6455 "invalid frame payload data"). */
  static final short INVALID_DATA = 1007;
  /** A frame or message over the configured limit (RFC 6455 "message too big"). */
  static final short TOO_BIG = 1009;
  /** A missing, invalid or expired token, or a deleted account (4000-4999 are the application's; 401 as in HTTP). */
  static final short UNAUTHENTICATED = 4401;
  /** A client that breaks the hub's rules: rate abuse, never joining (RFC 6455 "policy violation"). */
  static final short POLICY = 1008;

  private WsClose() {
  }

  static short of(Client.Ending ending) {
    return switch (ending) {
      case UNAUTHENTICATED -> UNAUTHENTICATED;
      case RATE_ABUSE, SILENT -> POLICY;
    };
  }

  static short of(Disconnect disconnect) {
    return disconnect.kind() == Disconnect.Kind.SLOW ? SLOW : GOING_AWAY;
  }

  /** A close reason fits in a control frame (125 bytes): the text is cut, the client got it whole in an error frame. */
  static String reason(String reason) {
    return reason.length() > 120 ? reason.substring(0, 120) : reason;
  }
}
