package dev.hubbub.bridge;

import dev.hubbub.auth.Identity;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each room feed gap-free and in {@code seq} order for one bridge instance's fan-out, whatever the
 * cluster did on the way: an event whose seq jumps past the next expected one (lost while the cluster
 * healed, or overtaken by the new owner's first events after a move) is held, with everything after it,
 * while the missing seqs are read from the database ({@link Addresses#HISTORY}); then they are delivered in
 * order, and the held events after them. An event at or below the last delivered seq is a duplicate and
 * is dropped. Presence events (no seq) pass, unless they queue behind a fill. Each fill counts in
 * {@code hubbub.feed.gaps}.
 *
 * <p>The first persisted event a room's fan-out sees is its starting point: sessions replay their own
 * history before live events (as on a single hub). A gap the database cannot fill (history truncated past
 * the resume cap) is stepped over after one try, so a feed never stalls. On a single hub there are no gaps
 * and {@link #of} is a pass-through. Confined to the fan-out's event loop.
 */
public final class FeedGaps {

  private static final Logger log = LoggerFactory.getLogger(FeedGaps.class);

  /** Where the missing events come from: the persisted events of {@code room} after {@code since}, in seq order. */
  public interface Backfill {
    Future<List<JsonObject>> after(String room, long since);
  }

  /** Delivers one event to the room's sessions; {@code backfilled} when it was read back from the database. */
  public interface Delivery {
    void deliver(FeedEvent event, boolean backfilled);
  }

  private static final class Room {
    long last;
    boolean filling;
    final ArrayDeque<FeedEvent> held = new ArrayDeque<>();
  }

  private final Backfill backfill;
  private final boolean active;
  private final Map<String, Room> rooms = new HashMap<>();

  FeedGaps(Backfill backfill, boolean active) {
    this.backfill = backfill;
    this.active = active;
  }

  /** Guards for a bridge instance on {@code vertx}: active on a clustered node, a pass-through otherwise. */
  public static FeedGaps of(Vertx vertx) {
    return new FeedGaps(history(vertx), vertx.isClustered());
  }

  static Backfill history(Vertx vertx) {
    return (room, since) -> vertx.eventBus().<JsonObject>request(Addresses.HISTORY,
            Identity.BACKFILL.into(new JsonObject().put("room", room).put("since", since)))
        .map(reply -> reply.body().getJsonArray("messages", new JsonArray()).stream().map(JsonObject.class::cast).toList());
  }

  /** One event from the room's feed, delivered now, later (after a fill) or never (a duplicate). */
  public void accept(String room, FeedEvent event, Delivery delivery) {
    if (!active) {
      delivery.deliver(event, false);
      return;
    }
    Room state = rooms.computeIfAbsent(room, r -> new Room());
    if (state.filling) {
      state.held.add(event);
      return;
    }
    long seq = event.seq();
    if (seq == 0) {
      delivery.deliver(event, false);
    } else if (state.last == 0 || seq == state.last + 1) {
      state.last = seq;
      delivery.deliver(event, false);
    } else if (seq > state.last + 1) {
      fill(room, state, event, delivery);
    }
    // else: seq <= last, already delivered (a backfilled event arriving late from the feed): dropped
  }

  /** The fan-out dropped the room (its last session left): a later first event starts it afresh. */
  public void forget(String room) {
    rooms.remove(room);
  }

  private void fill(String room, Room state, FeedEvent event, Delivery delivery) {
    HubMetrics.get().feedGap();
    long from = state.last;
    long upTo = event.seq();
    log.info("room {} feed jumped from seq {} to {}: filling the gap from the database", room, from, upTo);
    state.filling = true;
    // First in line: when a fill starts while held events are being replayed, the others came after this one.
    state.held.addFirst(event);
    backfill.after(room, from).onComplete(read -> {
      if (read.succeeded()) {
        List<JsonObject> missing = new ArrayList<>(read.result());
        missing.sort(Comparator.comparingLong(Events::seqOf));
        for (JsonObject e : missing) {
          long seq = Events.seqOf(e);
          if (seq == state.last + 1 && seq < upTo) {
            state.last = seq;
            delivery.deliver(new FeedEvent(RoomEvent.fromJson(e)), true);
          }
        }
      }
      if (state.last < upTo - 1) {
        log.warn("room {}: seqs {}..{} could not be read back{}; going on without them", room, state.last + 1, upTo - 1,
            read.failed() ? " (" + read.cause().getMessage() + ")" : "");
        state.last = upTo - 1;
      }
      state.filling = false;
      // Replays the held events through the same rules; a new gap among them starts another fill.
      while (!state.held.isEmpty() && !state.filling) {
        accept(room, state.held.poll(), delivery);
      }
    });
  }
}
