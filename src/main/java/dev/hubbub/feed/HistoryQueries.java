package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.config.HubConfig;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.MessageQuery;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers the read commands ({@link Addresses#HISTORY}, {@link Addresses#MESSAGES}) from the store.
 * Reads see only committed events, and events are published after commit, so a bridge that subscribes
 * to a feed before it asks for history misses nothing in between. Both need read access to the room.
 */
final class HistoryQueries {

  private final EventBus bus;
  private final HistoryStore store;
  private final HubConfig.History limits;

  private record Page(List<JsonObject> events, boolean truncated) {
  }

  HistoryQueries(EventBus bus, HistoryStore store, HubConfig.History limits) {
    this.bus = bus;
    this.store = store;
    this.limits = limits;
  }

  void history(Message<JsonObject> msg) {
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      Long since = Rules.optionalSeq(body, "since");
      Future<Page> page = RoomAccess.requireRead(bus, room, Identity.of(body)).compose(v -> since == null
          ? store.latest(room, limits.replayLimit()).map(events -> new Page(events, false))
          : resume(room, since));
      page.onSuccess(p -> msg.reply(new JsonObject()
              .put("room", room)
              .put("messages", new JsonArray(new ArrayList<>(p.events)))
              .put("truncated", p.truncated)))
          .onFailure(e -> Failure.reply(msg, e));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  /**
   * Everything after {@code since}, unless that is more than the resume cap (then the latest, truncated)
   * or {@code since} lies beyond the room's history, e.g. after the database was replaced (then the
   * latest, truncated, so the client starts over instead of waiting for seqs it has seen already).
   */
  private Future<Page> resume(String room, long since) {
    int cap = limits.resumeLimit();
    // One more than the cap tells us whether the gap is too wide to replay whole.
    return store.after(room, since, cap + 1).compose(missed -> {
      if (missed.size() > cap) {
        return store.latest(room, cap).map(latest -> new Page(latest, true));
      }
      if (!missed.isEmpty() || since == 0) {
        return Future.succeededFuture(new Page(missed, false));
      }
      return store.head(room).compose(head -> since <= head
          ? Future.succeededFuture(new Page(missed, false))
          : store.latest(room, limits.replayLimit()).map(latest -> new Page(latest, true)));
    });
  }

  void messages(Message<JsonObject> msg) {
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      Long after = Rules.optionalSeq(body, "after");
      Long before = Rules.optionalSeq(body, "before");
      int limit = Rules.pageLimit(body);
      String search = Rules.optionalSearch(body);
      // One more than asked tells whether another page follows.
      RoomAccess.requireRead(bus, room, Identity.of(body))
          .compose(v -> store.messages(new MessageQuery(room, after, before, limit + 1, search)))
          .onSuccess(found -> {
            boolean more = found.size() > limit;
            List<JsonObject> page = !more ? found : after != null ? found.subList(0, limit) : found.subList(1, found.size());
            msg.reply(new JsonObject().put("room", room).put("messages", new JsonArray(new ArrayList<>(page))).put("more", more));
          })
          .onFailure(e -> Failure.reply(msg, e));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }
}
