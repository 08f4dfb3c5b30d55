package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A history store that remembers, per room, its epoch and latest events: what a page view, a join and a
 * stream without a resume point read, and what made each of them a database query (and its row decoding,
 * most of a room page's cost). Concurrent reads of a room share one query, so a join storm reads once.
 *
 * <p>Every stored event of a room, from any writer on any node, must reach {@link #changed} on this
 * store's context before a read that has to see it: the sequencer publishes {@code hubbub.stored} before
 * the room's feed, so a bridge that saw an event on the feed asks for history only after its store has
 * forgotten the room. A read in flight when its room changes answers its caller but is not kept, and later
 * reads do not share it. At most {@link #ROOMS} rooms and about {@link #BYTES} of their events are kept,
 * least recently read first out: texts may be thousands of characters, and a truncated resume reads
 * hundreds of events.
 */
public final class LatestReads implements HistoryStore {

  static final int ROOMS = 512;
  /** What the kept events may weigh, roughly: two bytes a character of their text, and some for the rest. */
  static final long BYTES = 8L << 20;
  private static final int EVENT_BYTES = 256;

  private record Latest(String epoch, int limit, List<JsonObject> events, long bytes) {

    Latest(String epoch, int limit, List<JsonObject> events) {
      this(epoch, limit, events, events.stream()
          .mapToLong(e -> EVENT_BYTES + 2L * (e.getValue("text") instanceof String text ? text.length() : 0)).sum());
    }

    /** The latest {@code wanted} events, when this read fetched at least that many or the room has no more. */
    List<JsonObject> answer(int wanted) {
      if (wanted > limit && events.size() == limit) {
        return null;
      }
      return events.subList(Math.max(0, events.size() - wanted), events.size());
    }
  }

  private final HistoryStore store;
  /** Least recently read first. */
  private final LinkedHashMap<String, Latest> kept = new LinkedHashMap<>(64, 0.75f, true);
  private long keptBytes;
  /** Reads in flight, by room; only the current one of a room may be kept or shared. */
  private final Map<String, Future<Latest>> reading = new HashMap<>();

  public LatestReads(HistoryStore store) {
    this.store = store;
  }

  @Override
  public void changed(String room) {
    forget(room);
    reading.remove(room);
  }

  private void forget(String room) {
    Latest gone = kept.remove(room);
    if (gone != null) {
      keptBytes -= gone.bytes;
    }
  }

  private void keep(String room, Latest latest) {
    forget(room);
    if (latest.bytes > BYTES) {
      return;
    }
    kept.put(room, latest);
    keptBytes += latest.bytes;
    Iterator<Map.Entry<String, Latest>> eldestFirst = kept.entrySet().iterator();
    while (kept.size() > ROOMS || keptBytes > BYTES) {
      keptBytes -= eldestFirst.next().getValue().bytes;
      eldestFirst.remove();
    }
  }

  @Override
  public Future<String> epoch(String room) {
    Latest latest = kept.get(room);
    return latest != null ? Future.succeededFuture(latest.epoch) : read(room, 0).map(Latest::epoch);
  }

  @Override
  public Future<List<JsonObject>> latest(String room, int limit) {
    Latest latest = kept.get(room);
    List<JsonObject> answer = latest == null ? null : latest.answer(limit);
    if (answer != null) {
      return Future.succeededFuture(answer);
    }
    return read(room, limit).compose(read -> {
      List<JsonObject> events = read.answer(limit);
      return events != null ? Future.succeededFuture(events) : store.latest(room, limit);
    });
  }

  /** The room's epoch and latest {@code limit} events, from the read in flight when it asks for enough. */
  private Future<Latest> read(String room, int limit) {
    Future<Latest> inFlight = reading.get(room);
    if (inFlight != null) {
      return inFlight;
    }
    // As HistoryQueries reads them: the epoch, then the events. A room whose first event is stored in
    // between is changed meanwhile, so this pair is answered but not kept.
    Future<Latest> read = store.epoch(room)
        .compose(epoch -> store.latest(room, limit).map(events -> new Latest(epoch, limit, List.copyOf(events))));
    reading.put(room, read);
    read.onComplete(done -> {
      if (reading.get(room) == read) {
        reading.remove(room);
        if (done.succeeded()) {
          keep(room, done.result());
        }
      }
    });
    return read;
  }

  @Override
  public Future<Long> head(String room) {
    return store.head(room);
  }

  /** This store's own writes change their rooms at once, before the shard publishes them. */
  @Override
  public Future<Void> append(List<EventRow> rows) {
    return store.append(rows).andThen(done -> rows.forEach(row -> changed(row.room())));
  }

  @Override
  public Future<List<JsonObject>> after(String room, long after, int limit) {
    return store.after(room, after, limit);
  }

  @Override
  public Future<JsonObject> message(String room, String id) {
    return store.message(room, id);
  }

  @Override
  public Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys) {
    return store.chatsByCid(keys);
  }

  @Override
  public Future<List<JsonObject>> messages(MessageQuery query) {
    return store.messages(query);
  }

  @Override
  public void failed() {
    store.failed();
  }

  @Override
  public Future<Void> close() {
    kept.clear();
    keptBytes = 0;
    reading.clear();
    return store.close();
  }
}
