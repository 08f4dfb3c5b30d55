package dev.hubbub.feed;

import dev.hubbub.auth.AccessCache;
import dev.hubbub.auth.Identity;
import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.Rules;
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
 *
 * <p>{@link #READ} is the same history read for a caller in the core that has decided access already
 * (presence, answering {@link Addresses#SUBSCRIBE}): a typed {@link Read} in, a typed {@link Page} out,
 * both passed as they are ({@link LocalCodec}), on a node-local address no bridge client can reach.
 */
final class HistoryQueries {

  /** Local only: {@link Read} → {@link Page}, no access check. Each shard consumes it on its shard address and here. */
  static final String READ = "hubbub.history.read";

  private final EventBus bus;
  private final HistoryStore store;
  private final HubConfig.History limits;
  private final AccessCache access;

  /**
   * What a history read asks: the events after {@code since} (in the client's {@code epoch}, null: not
   * checked), or, without {@code since}, the latest {@code limit} (null: the replay limit; 0: the epoch only).
   */
  record Read(String room, Long since, String epoch, Long limit) {

    /** The history fields of {@code body} ({@code since?, epoch?, limit?}); a bad one is a 400. */
    static Read of(String room, JsonObject body) {
      Long since = Rules.optionalResumePoint(body, "since");
      String epoch = Rules.optionalEpoch(body.getValue("epoch"), "field 'epoch'");
      return new Read(room, since, epoch, Rules.optionalSeq(body, "limit"));
    }
  }

  /** A history reply: events oldest first, whether it does not continue right after {@code since}, the room's epoch. */
  record Page(List<JsonObject> events, boolean truncated, String epoch) {

    /** Puts {@code messages}, {@code truncated} and {@code epoch} ({@code ""} while the room has no history) on {@code reply}. */
    JsonObject into(JsonObject reply) {
      return reply.put("messages", new JsonArray(new ArrayList<>(events))).put("truncated", truncated)
          .put("epoch", epoch == null ? "" : epoch);
    }
  }

  HistoryQueries(EventBus bus, HistoryStore store, HubConfig.History limits, AccessCache access) {
    this.bus = bus;
    this.access = access;
    this.store = store;
    this.limits = limits;
  }

  /**
   * {@code {room, since?, epoch?, limit?}}: the events after {@code since} (see {@link #resume}), or the
   * latest {@code limit} (default and at most {@code history.replayLimit}; 0 asks for the epoch only).
   * The reply always names the room's current {@code epoch} ({@code ""} while it has no history).
   */
  void history(Message<JsonObject> msg) {
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      Read read = Read.of(room, body);
      access.requireRead(room, Identity.of(body))
          .compose(v -> page(read))
          .onSuccess(p -> msg.reply(p.into(new JsonObject().put("room", room))))
          .onFailure(e -> Failure.reply(msg, e));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  /** {@link #READ}: the page {@code read} asks for, access having been decided by the sender. */
  void read(Message<Read> msg) {
    page(msg.body()).onSuccess(p -> msg.reply(p, LocalCodec.options())).onFailure(e -> Failure.reply(msg, e));
  }

  /**
   * Makes {@code store} forget a room whenever an event of it is stored, on any node ({@link Addresses#STORED},
   * typed, or JSON from a tool or an older node); register it on the store's own context.
   */
  static Future<Void> forgetStored(EventBus bus, HistoryStore store) {
    return bus.<Object>consumer(Addresses.STORED, msg -> {
      if (msg.body() instanceof FeedEvent event) {
        store.changed(event.room());
      } else if (msg.body() instanceof JsonObject event && event.getValue("room") instanceof String room) {
        store.changed(room);
      }
    }).completion();
  }

  /** The history {@code read} asks for, with the room's current epoch. */
  Future<Page> page(Read read) {
    String room = read.room();
    int latest = (int) Math.min(read.limit() == null ? limits.replayLimit() : read.limit(), limits.replayLimit());
    return store.epoch(room).compose(epoch -> (read.since() == null ? latest(room, latest, false)
            : resume(room, read.since(), read.epoch(), epoch))
        .map(p -> new Page(p.events(), p.truncated(), epoch)));
  }

  private Future<Page> latest(String room, int limit, boolean truncated) {
    return limit == 0 ? Future.succeededFuture(new Page(List.of(), truncated, null))
        : store.latest(room, limit).map(events -> new Page(events, truncated, null));
  }

  /**
   * Everything after {@code since}, unless it cannot continue the client's history: the client's epoch
   * differs from the room's (the history was replaced), {@code since} lies beyond the room's history
   * (e.g. after the database was replaced, or a room with none yet), or the gap is wider than the resume
   * cap. Then the latest events, truncated, so the client starts over from a fresh snapshot instead of
   * waiting for seqs it has seen already. A client that sends no epoch is not checked for one.
   */
  private Future<Page> resume(String room, long since, String clientEpoch, String roomEpoch) {
    if (clientEpoch != null && !clientEpoch.equals(roomEpoch)) {
      return latest(room, limits.replayLimit(), true);
    }
    int cap = limits.resumeLimit();
    // One more than the cap tells us whether the gap is too wide to replay whole.
    return store.after(room, since, cap + 1).compose(missed -> {
      if (missed.size() > cap) {
        return latest(room, cap, true);
      }
      if (!missed.isEmpty() || since == 0) {
        return Future.succeededFuture(new Page(missed, false, null));
      }
      return store.head(room).compose(head -> since <= head
          ? Future.succeededFuture(new Page(missed, false, null))
          : latest(room, limits.replayLimit(), true));
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
      access.requireRead(room, Identity.of(body))
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
