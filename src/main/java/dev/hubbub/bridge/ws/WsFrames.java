package dev.hubbub.bridge.ws;

import dev.hubbub.auth.Credentials;
import dev.hubbub.bridge.Client;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The chat protocol's client frames ({@code auth}, {@code join}, {@code chat}, {@code edit}, {@code delete},
 * {@code leave}), parsed and validated into the session's actions. A bad field is a {@link Failure.Rejected},
 * answered with an {@code error} frame.
 */
final class WsFrames {

  private WsFrames() {
  }

  /** One text message, admitted under the rate and in its turn. */
  static void handle(WsSession session, String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      session.error("invalid message: expected a JSON object", null);
      return;
    }
    try {
      Object type = frame.getValue("type");
      if (!(type instanceof String)) {
        throw Failure.badRequest("missing field 'type'");
      }
      if (type.equals("auth")) {
        session.authenticate(Credentials.frame(Rules.string(frame, "token")));
        return;
      }
      if (session.client.identity() == null && !session.bridge.config.auth().guests()) {
        session.end(Client.Ending.UNAUTHENTICATED, WsSession.AUTH_REQUIRED);
        return;
      }
      handle(session, (String) type, frame);
    } catch (Failure.Rejected e) {
      session.error(e.getMessage(), null);
    }
  }

  private static void handle(WsSession session, String type, JsonObject frame) {
    switch (type) {
      case "join" -> session.join(frame, Rules.room(frame), Rules.optionalResumePoint(frame, "since"),
          Rules.optionalEpoch(frame.getValue("epoch"), "field 'epoch'"));
      case "chat" -> session.joined("join a room before chatting").post(Rules.string(frame, "text"), Rules.optionalCid(frame));
      // edit {id, text, cid?} and delete {id, cid?}: only one's own messages; everyone then sees edited / deleted.
      case "edit" -> session.joined("join a room before editing")
          .edit(Rules.messageId(frame), Rules.string(frame, "text"), Rules.optionalCid(frame));
      case "delete" -> session.joined("join a room before deleting").delete(Rules.messageId(frame), Rules.optionalCid(frame));
      case "leave" -> session.leave();
      default -> throw Failure.badRequest("unknown type '" + (type.length() > 32 ? type.substring(0, 32) + "..." : type) + "'");
    }
  }
}
