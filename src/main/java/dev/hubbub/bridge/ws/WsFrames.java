package dev.hubbub.bridge.ws;

import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import io.vertx.core.json.JsonObject;

/**
 * The chat protocol's client frames ({@code join}, {@code chat}, {@code edit}, {@code delete}, {@code leave}),
 * parsed and validated into the session's actions. A bad field is a {@link Failure.Rejected}, which the
 * session answers with an {@code error} frame.
 */
final class WsFrames {

  private WsFrames() {
  }

  static void handle(WsSession session, String type, JsonObject frame) {
    switch (type) {
      case "join" -> session.join(frame, Rules.room(frame), Rules.optionalResumePoint(frame, "since"),
          Rules.optionalEpoch(frame.getValue("epoch"), "field 'epoch'"));
      case "chat" -> session.joined("join a room before chatting")
          .command(Addresses.CHAT, new JsonObject().put("text", Rules.string(frame, "text")), Rules.optionalCid(frame));
      // edit {id, text, cid?} and delete {id, cid?}: only one's own messages; everyone then sees edited / deleted.
      case "edit" -> session.joined("join a room before editing").command(Addresses.EDIT,
          new JsonObject().put("id", Rules.messageId(frame)).put("text", Rules.string(frame, "text")), Rules.optionalCid(frame));
      case "delete" -> session.joined("join a room before deleting")
          .command(Addresses.DELETE, new JsonObject().put("id", Rules.messageId(frame)), Rules.optionalCid(frame));
      case "leave" -> session.leave();
      default -> throw Failure.badRequest("unknown type '" + (type.length() > 32 ? type.substring(0, 32) + "..." : type) + "'");
    }
  }
}
