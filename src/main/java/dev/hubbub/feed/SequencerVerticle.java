package dev.hubbub.feed;

import dev.hubbub.config.HubConfig;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.MemoryHistoryStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Gives every persisted event its room's next {@code seq}, stores it, and only then publishes it.
 * Deployed as a single instance: sequencing needs one writer per room, and confinement to one event loop
 * makes the per-room heads safe without locks.
 *
 * <p>Group commit: commands that arrive while a write is in flight are queued and written together in
 * the next one, so a burst costs one transaction instead of one per message. Seqs are assigned when a
 * batch is written and kept only if the write succeeds, so a failed write leaves no gap. Publishing
 * follows the batch order, which is {@code seq} order.
 */
public class SequencerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SequencerVerticle.class);

  private HubConfig config;
  private HistoryStore store;
  private final Map<String, Long> heads = new HashMap<>();
  private List<Pending> queued = new ArrayList<>();
  private boolean writing;

  /** A command accepted but not yet stored; {@code event} lacks its seq until its batch is written. */
  private record Pending(Message<JsonObject> command, JsonObject event) {
  }

  @Override
  public Future<?> start() {
    config = HubConfig.from(config());
    store = new MemoryHistoryStore(config.history().memoryWindow());
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.CHAT, this::chat).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY, this::history).completion());
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }

  private void chat(Message<JsonObject> msg) {
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      String username = Rules.username(body);
      String text = Rules.text(body, config.limits().maxTextChars());
      enqueue(new Pending(msg, Events.chat(room, username, text, System.currentTimeMillis(), 0, UUID.randomUUID().toString())));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  private void enqueue(Pending pending) {
    queued.add(pending);
    if (!writing) {
      writing = true;
      // Wait one turn of the event loop so commands already delivered join this batch.
      vertx.runOnContext(v -> writeBatch());
    }
  }

  private void writeBatch() {
    List<Pending> batch = queued;
    queued = new ArrayList<>();
    Set<String> rooms = new LinkedHashSet<>();
    batch.forEach(p -> rooms.add(p.event.getString("room")));
    loadHeads(rooms)
        .compose(v -> {
          Map<String, Long> next = new HashMap<>();
          for (Pending p : batch) {
            String room = p.event.getString("room");
            long seq = next.getOrDefault(room, heads.get(room)) + 1;
            next.put(room, seq);
            p.event.put("seq", seq);
          }
          return store.append(batch.stream().map(Pending::event).toList()).map(next);
        })
        .onComplete(result -> {
          if (result.succeeded()) {
            heads.putAll(result.result());
            for (Pending p : batch) {
              vertx.eventBus().publish(Addresses.roomFeed(p.event.getString("room")), p.event);
              vertx.eventBus().publish(Addresses.STORED, p.event);
              p.command.reply(new JsonObject().put("id", p.event.getString("id")).put("seq", p.event.getLong("seq"))
                  .put("ts", p.event.getLong("ts")));
            }
          } else {
            log.error("writing {} events failed", batch.size(), result.cause());
            batch.forEach(p -> p.command.fail(Failure.UNAVAILABLE, "message not stored, try again"));
          }
          if (queued.isEmpty()) {
            writing = false;
          } else {
            writeBatch();
          }
        });
  }

  private Future<Void> loadHeads(Set<String> rooms) {
    List<Future<Long>> loads = new ArrayList<>();
    for (String room : rooms) {
      if (!heads.containsKey(room)) {
        loads.add(store.head(room).onSuccess(head -> heads.put(room, head)));
      }
    }
    return Future.all(loads).mapEmpty();
  }

  private void history(Message<JsonObject> msg) {
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      Long since = Rules.optionalSeq(body, "since");
      loadHeads(Set.of(room))
          .compose(v -> {
            // A client ahead of the store saw seqs that no longer exist (history was wiped): start it afresh.
            boolean reset = since != null && since > heads.get(room);
            Long from = reset ? null : since;
            return replayFrom(room, from).map(list -> new JsonObject()
                .put("room", room)
                .put("messages", new JsonArray(new ArrayList<>(list)))
                // Truncated: a resume that cannot start right after `since`; the client pages older events over REST.
                .put("truncated", from != null && !list.isEmpty() && Events.seqOf(list.get(0)) > from + 1)
                .put("reset", reset));
          })
          .onSuccess(msg::reply)
          .onFailure(e -> Failure.reply(msg, e));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  /** The latest events without {@code since}; otherwise what came after it, or the latest if too much did. */
  private Future<List<JsonObject>> replayFrom(String room, Long since) {
    if (since == null) {
      return store.latest(room, config.history().replayLimit());
    }
    int cap = config.history().resumeLimit();
    // One more than the cap tells us whether the gap is too wide to replay whole.
    return store.after(room, since, cap + 1)
        .compose(missed -> missed.size() > cap ? store.latest(room, cap) : Future.succeededFuture(missed));
  }
}
