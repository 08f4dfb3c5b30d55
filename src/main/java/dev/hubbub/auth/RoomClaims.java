package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Rules;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Whether a newcomer may claim an unowned room: only while its history holds nobody else's messages, so
 * nobody can take over a room others have been using, make it members-only and lock them out (an admin
 * assigns such a room). The history is read through the core ({@link Addresses#MESSAGES}), whatever store
 * keeps it. Used by the accounts verticle on its event loop only.
 */
final class RoomClaims {

  /** Pages of history a claim looks through for other people's messages; a longer history is an admin's to assign. */
  static final int CLAIM_SCAN_PAGES = 5;

  private final EventBus bus;
  /** Rooms known to hold messages of several people or of guests: nobody may claim them, and that does not change. */
  private final Map<String, Boolean> unclaimable;

  RoomClaims(EventBus bus, Map<String, Boolean> cache) {
    this.bus = bus;
    this.unclaimable = cache;
  }

  /**
   * Whether the room's history holds a message by anyone but {@code who} (a guest's counts, whatever its
   * name): such a room is not for a newcomer to claim. Looks through {@value #CLAIM_SCAN_PAGES} pages at
   * most, newest first; a longer history of one's own alone is left for an admin to assign too.
   */
  Future<Boolean> othersPosted(String room, Identity who) {
    if (unclaimable.containsKey(room)) {
      return Future.succeededFuture(true);
    }
    return othersPosted(room, who, null, 0).onSuccess(others -> {
      if (others) {
        unclaimable.put(room, true);
      }
    });
  }

  private Future<Boolean> othersPosted(String room, Identity who, Long before, int page) {
    JsonObject query = who.into(new JsonObject().put("room", room).put("limit", Rules.MAX_PAGE));
    if (before != null) {
      query.put("before", before);
    }
    return bus.<JsonObject>request(Addresses.MESSAGES, query).compose(reply -> {
      JsonArray messages = reply.body().getJsonArray("messages", new JsonArray());
      long oldest = Long.MAX_VALUE;
      for (Object m : messages) {
        JsonObject message = (JsonObject) m;
        if (Boolean.TRUE.equals(message.getValue("guest")) || !who.username().equals(message.getValue("username"))) {
          return Future.succeededFuture(true);
        }
        oldest = Math.min(oldest, message.getLong("seq", Long.MAX_VALUE));
      }
      if (!reply.body().getBoolean("more", false) || messages.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return page + 1 >= CLAIM_SCAN_PAGES ? Future.succeededFuture(true) : othersPosted(room, who, oldest, page + 1);
    });
  }
}
