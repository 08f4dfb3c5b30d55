package dev.hubbub.feed;

import dev.hubbub.auth.AccessCache;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.limits.LimitSettings;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.store.AppendConflict;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One shard's write pipeline: group commit, up to {@link #DEPTH} batches committing at once, acks after commit.
 *
 * <p><b>Order and gaps.</b> A room has at most one batch outstanding (planned but not yet answered). While
 * it commits, that room's new commands wait in the queue; other rooms' commands form the next batch, which is
 * planned and appended meanwhile. So the batches in flight never share a room: a failed commit cannot be
 * followed by a later seq of the same room that did commit (which would leave a gap), and each room's
 * acks and publishes follow its seq order. When a room's batch is answered, its waiting commands are planned
 * in the same turn from the cached head, with no read. A batch's acks and publishes go only after its own
 * commit (and the store-file check); a failed commit answers 503 and caches nothing, so the next batch
 * reuses the same seqs: no gap, no ack.
 *
 * <p><b>No read on the common path.</b> Heads are cached ({@link RoomHeads}); access verdicts too
 * ({@link AccessCache}); a new cid is not looked up. The store's unique keys are the fence: an append
 * refused with an {@link AppendConflict} (a repeated cid, or a {@code (room, seq)} taken by a stale or
 * previous owner) is answered nothing: the batch's heads are dropped and read again, its cids looked up,
 * and it is planned and appended again, up to {@link #ATTEMPTS} times; a repeated cid then gets its stored
 * message's ack with {@code duplicate: true}.
 */
final class ShardWriter {

  private static final Logger log = LoggerFactory.getLogger(ShardWriter.class);
  static final String NOT_STORED = "message not stored, try again";
  /** Batches committing at once per shard (each on its own pooled connection). */
  static final int DEPTH = 2;
  static final int ATTEMPTS = 3;
  /** Local publish, {@code shard}: a shard's write failed; every other shard's store reconnects too. */
  static final String STORE_FAILED = "hubbub.sequencer.storeFailed";

  private final Vertx vertx;
  private final int shard;
  private final HistoryStore store;
  private final AccessCache access;
  private final FeedPublisher feed;
  private final LimitSettings abuse;
  /** The after-commit durability check (the H2 file still exists); fails to refuse acks. */
  private final Supplier<Future<Void>> afterCommit;
  private final Map<String, Long> heads;
  private final WriteOutage outage;
  private List<Pending> queued = new ArrayList<>();
  /** Rooms with a batch outstanding. */
  private final Set<String> busy = new HashSet<>();
  private int inFlight;
  private boolean scheduled;
  private Promise<JsonObject> drained;
  private static final DeliveryOptions PUBLIC = new DeliveryOptions();
  private static final DeliveryOptions PRIVATE = new DeliveryOptions().addHeader(Addresses.PRIVATE_HEADER, "true");
  private int drainedCommands;

  ShardWriter(Vertx vertx, int shard, HistoryStore store, AccessCache access, LimitSettings abuse, int headCapacity,
      Supplier<Future<Void>> afterCommit) {
    this.vertx = vertx;
    this.shard = shard;
    this.outage = new WriteOutage(shard);
    this.store = store;
    this.access = access;
    this.feed = new FeedPublisher(vertx.eventBus());
    this.abuse = abuse;
    this.afterCommit = afterCommit;
    this.heads = new RoomHeads(headCapacity);
  }

  /** Ownership moved: forget the heads of rooms this shard no longer owns (they are read again if they come back). */
  void forgetHeads(Predicate<String> notOwned) {
    heads.keySet().removeIf(notOwned);
  }

  boolean draining() {
    return drained != null;
  }

  void enqueue(Pending pending) {
    queued.add(pending);
    if (!scheduled) {
      scheduled = true;
      // Wait one turn of the event loop so commands already delivered join this batch.
      vertx.runOnContext(v -> {
        scheduled = false;
        pump();
      });
    }
  }

  /**
   * Shutdown: the shard refuses new commands (see {@link #draining}); completes with how many commands were
   * answered since, once nothing is queued or in flight.
   */
  Future<JsonObject> drain() {
    if (drained == null) {
      drained = Promise.promise();
      drainedCommands = 0;
      settleDrain();
    }
    return drained.future();
  }

  private void settleDrain() {
    if (drained != null && inFlight == 0 && queued.isEmpty()) {
      drained.tryComplete(new JsonObject().put("commands", drainedCommands));
    }
  }

  /** Starts batches while there is room in the pipeline and commands of rooms with nothing outstanding. */
  private void pump() {
    while (inFlight < DEPTH && !queued.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      List<Pending> waiting = new ArrayList<>();
      for (Pending p : queued) {
        (busy.contains(p.room()) ? waiting : batch).add(p);
      }
      if (batch.isEmpty()) {
        return;
      }
      queued = waiting;
      batch.forEach(p -> busy.add(p.room()));
      inFlight++;
      write(batch, 1, false);
    }
    settleDrain();
  }

  private void write(List<Pending> batch, int attempt, boolean lookUpCids) {
    long started = System.nanoTime();
    BatchPlan[] plan = new BatchPlan[1];
    prepare(batch, lookUpCids)
        .compose(known -> {
          plan[0] = new BatchPlan(batch, known.heads(), known.chatsByCid(), known.targets(), Limits.of(vertx), abuse);
          return store.append(plan[0].rows);
        })
        .compose(v -> afterCommit.get())
        .onComplete(result -> {
          HubMetrics.get().commit(batch.size(), System.nanoTime() - started, result.succeeded());
          if (result.failed() && AppendConflict.is(result.cause()) && attempt < ATTEMPTS) {
            // The fence: nothing of it was written. Read what was assumed, then plan it again.
            batch.forEach(p -> heads.remove(p.room()));
            batch.forEach(Pending::reset);
            write(batch, attempt + 1, true);
            return;
          }
          if (result.succeeded()) {
            heads.putAll(plan[0].next);
            outage.recovered();
          } else {
            // A failed commit may still have landed (the answer was lost): read these heads again next time.
            batch.forEach(p -> heads.remove(p.room()));
            if (!AppendConflict.is(result.cause())) {
              // Connections may be dead (a refusal by a unique key is the database working): this shard's
              // store reconnects, and tells the others, whose reads would otherwise go on failing.
              store.failed();
              vertx.eventBus().publish(STORE_FAILED, shard);
            }
            outage.failed(batch.size(), result.cause());
          }
          for (Pending p : batch) {
            answer(p, result.succeeded());
          }
          batch.forEach(p -> busy.remove(p.room()));
          if (drained != null) {
            drainedCommands += batch.size();
          }
          inFlight--;
          pump();
        });
  }

  /** What a batch is planned from: each room's head, and the stored chats and messages it refers to. */
  private record Known(Map<String, Long> heads, Map<CidKey, JsonObject> chatsByCid, Map<Pending.Target, JsonObject> targets) {
  }

  /**
   * What a batch's plan needs and the shard does not know: access verdicts not cached, heads not cached,
   * the messages its edits and deletions name, and after a conflict the stored chats of its cids.
   */
  private Future<Known> prepare(List<Pending> batch, boolean lookUpCids) {
    List<Future<?>> reads = new ArrayList<>();
    Set<String> rooms = new LinkedHashSet<>();
    Set<CidKey> cids = new LinkedHashSet<>();
    Map<Pending.Target, JsonObject> found = new HashMap<>();
    for (Pending p : batch) {
      rooms.add(p.room());
      if (p.access == null) {
        // Writing claims an unowned room for a registered user, as joining does.
        Future<RoomAccess.Verdict> verdict = access.check(p.room(), p.who, true);
        if (verdict.succeeded()) {
          p.access = verdict.result();
        } else {
          reads.add(verdict.onSuccess(v -> p.access = v));
        }
      }
      if (p.cid != null && lookUpCids) {
        cids.add(p.cid);
      }
      if (!p.isChat() && !found.containsKey(p.target())) {
        Pending.Target key = p.target();
        found.put(key, null);
        reads.add(store.message(key.room(), key.id()).onSuccess(m -> found.put(key, m)));
      }
    }
    // Into the batch's own map: adding to the bounded cache now could evict another room of this batch.
    Map<String, Long> known = new HashMap<>();
    for (String room : rooms) {
      Long head = heads.get(room);
      if (head != null) {
        known.put(room, head);
      } else {
        reads.add(store.head(room).onSuccess(h -> known.put(room, h)));
      }
    }
    Future<Map<CidKey, JsonObject>> repeated = cids.isEmpty() ? Future.succeededFuture(Map.of()) : store.chatsByCid(cids);
    reads.add(repeated);
    if (reads.size() == 1 && repeated.succeeded()) {
      return Future.succeededFuture(new Known(known, repeated.result(), found)); // the common path: nothing to wait for
    }
    return Future.all(reads).map(v -> new Known(known, repeated.result(), found));
  }

  private void answer(Pending p, boolean stored) {
    if (p.refused != null) {
      Failure.reply(p.command, p.refused);
    } else if (p.repeatAck != null) {
      p.reply(p.repeatAck);
    } else if (p.sameAs != null) {
      if (p.sameAs.written && stored) {
        p.reply(Pending.ack(p.sameAs.event).asDuplicate());
      } else {
        notStored(p);
      }
    } else if (p.written && stored) {
      // Stored first: every shard's cached reads forget the room before any bridge can see the event on
      // its feed and ask for history (LatestReads). The same instance for observers such as the
      // dashboard, which must not show what a members-only room says.
      FeedEvent published = new FeedEvent(p.event);
      vertx.eventBus().publish(Addresses.STORED, published, p.access.membersOnly() ? PRIVATE : PUBLIC);
      feed.publish(published);
      p.reply(Pending.ack(p.event));
    } else {
      notStored(p);
    }
  }

  private static void notStored(Pending p) {
    p.command.fail(Failure.UNAVAILABLE, NOT_STORED);
  }
}
