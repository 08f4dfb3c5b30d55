package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.cluster.Cluster;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.limits.RateGate;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.HistoryStores;
import dev.hubbub.store.StoreFile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Gives every persisted event (chat, edited, deleted) its room's next {@code seq}, stores it, and only
 * then publishes it. Deployed as a single instance: sequencing needs one writer per room, and confinement
 * to one event loop makes the per-room heads safe without locks.
 *
 * <p>Group commit: commands that arrive while a write is in flight are queued and written together in
 * the next one, so a burst costs one transaction instead of one per message. Seqs are assigned when a
 * batch is written and kept only if the write succeeds, so a failed write leaves no gap. Publishing
 * follows the batch order, which is {@code seq} order.
 *
 * <p>Before a batch gets its seqs, the store is asked once for everything the batch depends on: the
 * chats its {@code cid}s may repeat, and the messages its edits and deletions name. A repeated cid is
 * answered with the stored message's ack and nothing is written; an edit or deletion of a message that is
 * missing, someone else's or deleted is refused. Reads ({@link Addresses#HISTORY}, {@link Addresses#MESSAGES})
 * are served by {@link HistoryQueries} on the same store.
 */
public class SequencerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SequencerVerticle.class);
  static final String NOT_STORED = "message not stored, try again";

  /** The database the hub opened (and migrated) once; the hub closes it. */
  private final Pool pool;
  private HubConfig config;
  private HistoryStore store;
  private FeedPublisher feed;
  /** Heads of recently written rooms; the others are read from the store when needed. */
  private Map<String, Long> heads = new HashMap<>();
  private List<Pending> queued = new ArrayList<>();
  private boolean writing;
  /** The embedded H2 file, checked after each commit; null for PostgreSQL and the in-memory store. */
  private Path storeFile;
  /** Set once the store file is found gone: nothing is acknowledged again until a restart. */
  private boolean storeGone;
  /** Set by a shutdown drain: new commands are refused, the queue is written, then {@code drained} completes. */
  private Promise<JsonObject> drained;
  private int drainedCommands;

  /**
   * A command accepted but not yet answered; {@code event} lacks its seq until its batch is written.
   * {@link #decide} settles exactly one of: written, a stored ack to repeat, the same outcome as an earlier
   * chat of the batch with the same cid, or a refusal.
   */
  private static final class Pending {
    final Message<JsonObject> command;
    final JsonObject event;
    final CidKey cid;
    final Identity who;
    RoomAccess.Verdict access;
    boolean written;
    JsonObject repeatAck;
    Pending sameAs;
    Failure.Rejected refused;

    Pending(Message<JsonObject> command, JsonObject event, CidKey cid, Identity who) {
      this.command = command;
      this.event = Events.byGuest(who.guest(), event);
      this.cid = cid;
      this.who = who;
    }

    /** Commands of one identity in one room share one access check per batch. */
    String accessKey() {
      return room() + '\u0000' + who.guest() + '\u0000' + who.username() + '\u0000' + who.roles();
    }

    String room() {
      return event.getString("room");
    }

    String type() {
      return event.getString("type");
    }

    /** The row to append: the event plus its cid and author's account id, which are stored but never published. */
    JsonObject row() {
      if (cid == null && who.account() == null) {
        return event;
      }
      JsonObject row = event.copy();
      if (cid != null) {
        row.put("cid", cid.cid());
      }
      return who.account() == null ? row : row.put(HistoryStore.AUTHOR, who.account());
    }
  }

  /** What the store said about a batch's cids and target messages before it was sequenced. */
  private record Lookups(Map<CidKey, JsonObject> chatsByCid, Map<String, JsonObject> targets, Map<String, RoomAccess.Verdict> access) {
  }

  public SequencerVerticle(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    config = HubConfig.from(config());
    heads = new RoomHeads(config.abuse().roomHeads());
    feed = new FeedPublisher(vertx.eventBus());
    storeFile = config.db().inMemory() ? null : StoreFile.of(config.db().url());
    store = HistoryStores.on(vertx, pool, config);
    HistoryQueries queries = new HistoryQueries(vertx.eventBus(), store, config.history());
    EventBus bus = vertx.eventBus();
    return Future.all(
        // Cluster hook: on a clustered node these are node-private addresses; the node's router owns the public ones.
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.CHAT), this::chat).completion(),
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.EDIT), this::edit).completion(),
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.DELETE), this::delete).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY, queries::history).completion(),
        bus.<JsonObject>consumer(Addresses.MESSAGES, queries::messages).completion(),
        bus.<JsonObject>consumer(Addresses.DRAIN, this::drain).completion());
  }

  /** Turns a validated command into the write it asks for; throws {@link Failure.Rejected} for bad input. */
  private interface Parser {
    Pending parse(Message<JsonObject> msg, String room, Identity who, String username, long now);
  }

  /**
   * Shutdown: refuse new commands, write what is queued or in flight, then reply with how many commands
   * were answered meanwhile. Replies to those commands are sent before this one, so a bridge that closes
   * its connections after this reply has written their acks first.
   */
  private void drain(Message<JsonObject> msg) {
    if (drained == null) {
      drained = Promise.promise();
      drainedCommands = 0;
      if (!writing) {
        drained.complete(new JsonObject().put("commands", 0));
      }
    }
    drained.future().onSuccess(msg::reply);
  }

  /** Validates what every write shares (room, author), then queues the write or answers the refusal. */
  private void accept(Message<JsonObject> msg, Parser parser) {
    if (drained != null) {
      msg.fail(Failure.UNAVAILABLE, "hub is shutting down, message not stored, try again");
      return;
    }
    if (storeGone) {
      msg.fail(Failure.UNAVAILABLE, NOT_STORED);
      return;
    }
    try {
      JsonObject body = msg.body();
      String room = Rules.room(body);
      Identity who = Identity.of(body);
      enqueue(parser.parse(msg, room, who, who.requireName(), System.currentTimeMillis()));
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }

  private void chat(Message<JsonObject> msg) {
    accept(msg, (m, room, who, username, now) -> {
      String text = Rules.text(m.body(), config.limits().maxTextChars());
      String cid = Rules.optionalCid(m.body());
      JsonObject event = Events.chat(room, username, text, now, 0, UUID.randomUUID().toString());
      return new Pending(m, event, cid == null ? null : new CidKey(room, username, cid), who);
    });
  }

  private void edit(Message<JsonObject> msg) {
    accept(msg, (m, room, who, username, now) -> new Pending(m,
        Events.edited(room, Rules.messageId(m.body()), username, Rules.text(m.body(), config.limits().maxTextChars()), now, 0),
        null, who));
  }

  private void delete(Message<JsonObject> msg) {
    accept(msg, (m, room, who, username, now) -> new Pending(m,
        Events.deleted(room, Rules.messageId(m.body()), username, now, 0), null, who));
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
    Map<String, Long> next = new HashMap<>();
    long started = System.nanoTime();
    lookUp(batch, next)
        .compose(found -> {
          List<JsonObject> rows = decide(batch, found, next);
          return store.append(rows);
        })
        .compose(v -> checkStoreFile())
        .onComplete(result -> {
          HubMetrics.get().commit(batch.size(), System.nanoTime() - started, result.succeeded());
          if (result.succeeded()) {
            heads.putAll(next);
          } else {
            // A failed commit may still have landed (the answer was lost): read the heads again next time.
            heads.clear();
            store.failed();
            log.error("writing a batch of {} commands failed: {}", batch.size(), result.cause().getMessage());
          }
          for (Pending p : batch) {
            answer(p, result.succeeded());
          }
          if (drained != null) {
            drainedCommands += batch.size();
          }
          if (queued.isEmpty()) {
            writing = false;
            if (drained != null) {
              drained.tryComplete(new JsonObject().put("commands", drainedCommands));
            }
          } else {
            writeBatch();
          }
        });
  }

  /**
   * A deleted H2 file keeps taking writes through its open handle, and all of them vanish at the next
   * start: after each commit, one stat (on a worker) makes sure the file is still there, before any ack.
   */
  private Future<Void> checkStoreFile() {
    if (storeFile == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> Files.exists(storeFile), false).compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      if (!storeGone) {
        storeGone = true;
        log.error("database file {} is gone: no message is acknowledged until the hub is restarted on a restored database",
            storeFile);
      }
      return Future.failedFuture("database file " + storeFile + " is gone");
    });
  }

  /** One round of reads for the whole batch: room heads, repeated cids, messages to edit or delete. */
  private Future<Lookups> lookUp(List<Pending> batch, Map<String, Long> next) {
    Set<String> rooms = new LinkedHashSet<>();
    Set<CidKey> cids = new LinkedHashSet<>();
    Map<String, JsonObject> targets = new HashMap<>();
    Map<String, RoomAccess.Verdict> access = new HashMap<>();
    List<Future<?>> reads = new ArrayList<>();
    for (Pending p : batch) {
      rooms.add(p.room());
      String accessKey = p.accessKey();
      if (!access.containsKey(accessKey)) {
        access.put(accessKey, null);
        // Writing claims an unowned room for a registered user, as joining does.
        reads.add(RoomAccess.check(vertx.eventBus(), p.room(), p.who, true).onSuccess(v -> access.put(accessKey, v)));
      }
      if (p.cid != null) {
        cids.add(p.cid);
      }
      if (!Events.CHAT.equals(p.type())) {
        String key = targetKey(p);
        if (!targets.containsKey(key)) {
          targets.put(key, null);
          reads.add(store.message(p.room(), p.event.getString("id")).onSuccess(m -> targets.put(key, m)));
        }
      }
    }
    for (String room : rooms) {
      if (!heads.containsKey(room)) {
        // Into the batch's own heads: adding to the bounded cache now could evict another room of this batch.
        reads.add(store.head(room).onSuccess(head -> next.put(room, head)));
      }
    }
    Future<Map<CidKey, JsonObject>> repeated = store.chatsByCid(cids);
    reads.add(repeated);
    return Future.all(reads).map(v -> new Lookups(repeated.result(), targets, access));
  }

  /**
   * Settles each command of the batch in order and gives the ones to write their seqs; {@code next}
   * collects each room's new head. Returns the rows to append, in seq order.
   */
  private List<JsonObject> decide(List<Pending> batch, Lookups found, Map<String, Long> next) {
    Map<CidKey, Pending> firstByCid = new HashMap<>();
    List<JsonObject> rows = new ArrayList<>();
    for (Pending p : batch) {
      p.access = found.access().get(p.accessKey());
      if (!p.access.write()) {
        p.refused = p.access.refusal();
        continue;
      }
      if (p.cid != null) {
        JsonObject stored = found.chatsByCid().get(p.cid);
        if (stored != null) {
          p.repeatAck = ack(stored).put("duplicate", true);
          continue;
        }
        Pending first = firstByCid.putIfAbsent(p.cid, p);
        if (first != null) {
          p.sameAs = first;
          continue;
        }
      }
      if (!Events.CHAT.equals(p.type())) {
        p.refused = checkTarget(p, found.targets().get(targetKey(p)));
        if (p.refused != null) {
          continue;
        }
      }
      String room = p.room();
      long head = next.getOrDefault(room, heads.get(room));
      if (head == 0 && !Limits.of(vertx).tryCreateRoom(config.abuse(), RateGate.keyOf(p.who), System.nanoTime())) {
        p.refused = new Failure.Rejected(Failure.TOO_MANY, "too many new rooms: try again later, or write in an existing room");
        continue;
      }
      long seq = head + 1;
      next.put(room, seq);
      p.event.put("seq", seq);
      p.written = true;
      rows.add(p.row());
    }
    return rows;
  }

  /**
   * Refuses an edit or deletion of a missing, foreign or deleted message; else applies it to {@code target}.
   * A registered user's message is one's own when its stored author is the same account (a later holder
   * of the name is another account); a guest's when name and guest-ness match (it never becomes a
   * registered namesake's). An admin may delete anyone's.
   */
  private static Failure.Rejected checkTarget(Pending p, JsonObject target) {
    boolean edit = Events.EDITED.equals(p.type());
    if (target == null) {
      return Failure.notFound("no message '" + p.event.getString("id") + "' in room '" + p.room() + "'");
    }
    boolean byGuest = target.getBoolean("guest", false);
    boolean own = p.who.guest()
        ? byGuest && target.getString("username").equals(p.event.getString("username"))
        : !byGuest && p.who.account() != null && p.who.account().equals(target.getString(HistoryStore.AUTHOR));
    if (!own && (edit || !p.who.admin())) {
      return Failure.forbidden(edit ? "you can only edit your own messages" : "you can only delete your own messages");
    }
    if (target.getBoolean("deleted", false)) {
      return Failure.conflict("message was deleted");
    }
    // Later commands of the same batch see this one's effect.
    if (edit) {
      target.put("text", p.event.getString("text")).put("edited", true);
    } else {
      target.put("deleted", true);
    }
    return null;
  }

  private void answer(Pending p, boolean stored) {
    if (p.refused != null) {
      Failure.reply(p.command, p.refused);
    } else if (p.repeatAck != null) {
      p.command.reply(p.repeatAck);
    } else if (p.sameAs != null) {
      if (p.sameAs.written && stored) {
        p.command.reply(ack(p.sameAs.event).put("duplicate", true));
      } else {
        notStored(p);
      }
    } else if (p.written && stored) {
      feed.publish(p.room(), p.event);
      // Observers such as the dashboard must not show what a members-only room says.
      vertx.eventBus().publish(Addresses.STORED, p.access.membersOnly() ? p.event.copy().put("private", true) : p.event);
      p.command.reply(ack(p.event));
    } else {
      notStored(p);
    }
  }

  private static void notStored(Pending p) {
    p.command.fail(Failure.UNAVAILABLE, NOT_STORED);
  }

  private static JsonObject ack(JsonObject event) {
    return new JsonObject().put("id", event.getString("id")).put("seq", event.getLong("seq")).put("ts", event.getLong("ts"));
  }

  private static String targetKey(Pending p) {
    return p.room() + "/" + p.event.getString("id");
  }
}
