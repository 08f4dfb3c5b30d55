package dev.hubbub.feed;

import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.CommitGroup;
import dev.hubbub.store.EventRow;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.MessageQuery;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A history store whose appends wait until the test completes them, so a test can hold batches in flight,
 * fail one in the middle of a pipeline, or answer a conflict. Heads and stored cids are what the test sets.
 */
final class ScriptedStore implements HistoryStore {

  /** One append the shard is waiting for. */
  record Append(List<EventRow> rows, Promise<Void> done, Context context) {
    /** Completes the append on the shard's own context, as a real store does. */
    void commit() {
      context.runOnContext(v -> done.complete());
    }

    void fail(Throwable cause) {
      context.runOnContext(v -> done.fail(cause));
    }

    long seq(int i) {
      return rows.get(i).seq();
    }

    String room() {
      return rows.get(0).room();
    }

    /** The texts of the rows, all chats. */
    List<String> texts() {
      return rows.stream().map(r -> ((RoomEvent.Chat) r.event()).text()).toList();
    }

    /** The text of row {@code i}, a chat. */
    String text(int i) {
      return ((RoomEvent.Chat) rows.get(i).event()).text();
    }
  }

  final BlockingQueue<Append> appends = new LinkedBlockingQueue<>();
  final Map<String, Long> heads = new ConcurrentHashMap<>();
  final Map<CidKey, JsonObject> cids = new ConcurrentHashMap<>();
  final AtomicInteger headReads = new AtomicInteger();
  final AtomicInteger cidReads = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  /** When set, appends go to this shared group (whose writer is another scripted store), as on a hub. */
  CommitGroup commits;

  /** The next append the shard makes, waiting up to 10 s. */
  Append nextAppend() throws InterruptedException {
    Append next = appends.poll(10, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("no append within 10 s");
    }
    return next;
  }

  @Override
  public Future<String> epoch(String room) {
    return Future.succeededFuture(null);
  }

  @Override
  public Future<Long> head(String room) {
    headReads.incrementAndGet();
    return Future.succeededFuture(heads.getOrDefault(room, 0L));
  }

  @Override
  public Future<Void> append(List<EventRow> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(); // as the real stores: nothing to write, nothing to wait for
    }
    if (commits != null) {
      return commits.append(events);
    }
    Promise<Void> done = Promise.promise();
    appends.add(new Append(new ArrayList<>(events), done, Vertx.currentContext()));
    return done.future();
  }

  @Override
  public Future<List<JsonObject>> after(String room, long after, int limit) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<List<JsonObject>> latest(String room, int limit) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<JsonObject> message(String room, String id) {
    return Future.succeededFuture(null);
  }

  @Override
  public Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys) {
    cidReads.incrementAndGet();
    Map<CidKey, JsonObject> found = new HashMap<>();
    keys.stream().filter(cids::containsKey).forEach(k -> found.put(k, cids.get(k)));
    return Future.succeededFuture(found);
  }

  @Override
  public Future<List<JsonObject>> messages(MessageQuery query) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public void failed() {
    failures.incrementAndGet();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
