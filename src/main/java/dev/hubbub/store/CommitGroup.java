package dev.hubbub.store;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One transaction for the appends of every sequencer shard on one database: a database such as embedded H2
 * pays mostly per commit (writing the changed pages of every index), not per row, so shards committing
 * separately cost more commits per message than one writer would.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #append} may be called from any Vert.x context and completes on that context.</li>
 *   <li>At most {@code depth} transactions are in flight. Appends handed in while none is free are written
 *       together in the next one (up to {@link #MAX_ROWS} rows), each append's rows together and in order.</li>
 *   <li>An append succeeds only once the transaction holding its rows has committed.</li>
 *   <li>A group refused by a unique key ({@link AppendConflict#is}) wrote nothing: each of its appends is
 *       then written alone, in its own transaction, so only an append that itself conflicts is refused, and
 *       the others commit. Any other failure fails every append of the group (its commit may or may not
 *       have landed, so nothing is retried behind the caller's back), and the writer's
 *       {@link HistoryStore#failed} lets its connections go.</li>
 *   <li>Callers never hand in two appends of one room at once (a shard has one batch outstanding per
 *       room, and a room has one shard), so the order of appends within a group changes no room's order.</li>
 * </ul>
 * Confined to its home context: every field is touched there only.
 */
public final class CommitGroup {

  private static final Logger log = LoggerFactory.getLogger(CommitGroup.class);

  /** Rows per transaction at most; the appends beyond wait for the next one. */
  static final int MAX_ROWS = 4000;

  private final Context home;
  private final HistoryStore writer;
  private final int depth;
  private List<Waiting> queued = new ArrayList<>();
  /** Transactions in flight, at most {@link #depth}. */
  private int writing;
  /** How many appends wait for the next transaction, readable from any thread (tests, monitoring). */
  private volatile int waiting;

  /** One caller's append, answered on the caller's context. */
  private record Waiting(List<EventRow> rows, Promise<Void> done, Context caller) {
    void answer(AsyncResult<Void> result) {
      caller.runOnContext(v -> done.handle(result));
    }
  }

  /**
   * @param home   the context the group runs on
   * @param writer writes one group in one transaction ({@link HistoryStore#append}), called on {@code home} only
   */
  public CommitGroup(Context home, HistoryStore writer) {
    this(home, writer, 1);
  }

  /** A group with up to {@code depth} transactions in flight (each on its own connection). */
  public CommitGroup(Context home, HistoryStore writer, int depth) {
    this.home = Objects.requireNonNull(home);
    this.writer = writer;
    this.depth = Math.max(1, depth);
  }

  /** Stores {@code rows} all or nothing, in a transaction shared with other callers' appends. */
  public Future<Void> append(List<EventRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    Context caller = Objects.requireNonNull(Vertx.currentContext(), "append from a Vert.x context");
    Promise<Void> done = Promise.promise();
    Waiting waiting = new Waiting(List.copyOf(rows), done, caller);
    home.runOnContext(v -> {
      queued.add(waiting);
      this.waiting = queued.size();
      if (writing < depth) {
        writeNext();
      }
    });
    return done.future();
  }

  /** How many appends wait for the next transaction (the one in flight not counted). */
  public int waiting() {
    return waiting;
  }

  /** Starts the next transaction with what is queued; called with a slot free. */
  private void writeNext() {
    if (queued.isEmpty()) {
      return;
    }
    writing++;
    List<Waiting> group = new ArrayList<>();
    List<EventRow> rows = new ArrayList<>();
    int taken = 0;
    while (taken < queued.size() && (group.isEmpty() || rows.size() + queued.get(taken).rows.size() <= MAX_ROWS)) {
      Waiting next = queued.get(taken++);
      group.add(next);
      rows.addAll(next.rows);
    }
    queued = new ArrayList<>(queued.subList(taken, queued.size()));
    waiting = queued.size();
    write(rows).onComplete(result -> {
      if (result.succeeded() || group.size() == 1 || !AppendConflict.is(result.cause())) {
        if (result.failed() && !AppendConflict.is(result.cause())) {
          writer.failed();
        }
        group.forEach(w -> w.answer(result));
        writing--;
        writeNext();
      } else {
        log.debug("a group of {} appends was refused by a unique key: writing each alone", group.size());
        writeAlone(group, 0);
      }
    });
  }

  /** After a conflict: each append of the refused group in its own transaction, one after the other. */
  private void writeAlone(List<Waiting> group, int i) {
    if (i == group.size()) {
      writing--;
      writeNext();
      return;
    }
    Waiting w = group.get(i);
    write(w.rows).onComplete(result -> {
      if (result.failed() && !AppendConflict.is(result.cause())) {
        writer.failed();
      }
      w.answer(result);
      writeAlone(group, i + 1);
    });
  }

  /** The writer's append, its outcome brought back to the home context whatever thread completes it. */
  private Future<Void> write(List<EventRow> rows) {
    Promise<Void> back = Promise.promise();
    Future<Void> written;
    try {
      written = writer.append(rows);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(result -> {
      if (Vertx.currentContext() == home) {
        back.handle(result);
      } else {
        home.runOnContext(v -> back.handle(result));
      }
    });
    return back.future();
  }
}
