package dev.hubbub.store;

import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the latest {@code window} events of each room in memory. Nothing survives a restart, and a
 * resume from further back than the window gets what the window still holds; an evicted message can no
 * longer be edited, deleted or recognised by its cid. Meant for tests and throwaway hubs.
 */
public final class MemoryHistoryStore implements HistoryStore {

  private final int window;
  private final Map<String, Room> rooms = new HashMap<>();
  private final Map<CidKey, JsonObject> byCid = new HashMap<>();

  /** One stored event; {@code cid} is kept beside it because reads never return it. */
  private record Stored(JsonObject event, String cid) {
  }

  private static final class Room {
    final ArrayDeque<Stored> events = new ArrayDeque<>();
    final Map<String, JsonObject> chats = new HashMap<>();
    /** Chat id → its author's account id, kept apart because only {@link #message} returns it. */
    final Map<String, String> authors = new HashMap<>();
    long head;
    String epoch;
  }

  public MemoryHistoryStore(int window) {
    this.window = window;
  }

  @Override
  public Future<Long> head(String room) {
    Room r = rooms.get(room);
    return Future.succeededFuture(r == null ? 0L : r.head);
  }

  @Override
  public Future<String> epoch(String room) {
    Room r = rooms.get(room);
    return Future.succeededFuture(r == null ? null : r.epoch);
  }

  @Override
  public Future<Void> append(List<EventRow> rows) {
    Map<String, Long> heads = new HashMap<>();
    Set<CidKey> cids = new HashSet<>();
    for (EventRow row : rows) {
      String room = row.room();
      long seq = row.seq();
      long head = heads.computeIfAbsent(room, r -> rooms.containsKey(r) ? rooms.get(r).head : 0L);
      if (seq <= head) {
        return Future.failedFuture(new AppendConflict("seq " + seq + " already stored in room " + room, null));
      }
      heads.put(room, seq);
      CidKey key = cidKey(row);
      if (key != null && (byCid.containsKey(key) || !cids.add(key))) {
        return Future.failedFuture(new AppendConflict("cid " + key.cid() + " already stored in room " + room, null));
      }
    }
    for (EventRow row : rows) {
      apply(row);
    }
    return Future.succeededFuture();
  }

  private void apply(EventRow row) {
    String room = row.room();
    Room r = rooms.computeIfAbsent(room, k -> new Room());
    // Kept as its JSON: what the reads return, with the current-state flags added in place.
    JsonObject event = row.event().toJson();
    if (row.seq() == 1) {
      r.epoch = HistoryStore.newEpoch();
    }
    String id = row.event().id();
    if (row.event() instanceof RoomEvent.Chat) {
      r.chats.put(id, event);
      if (row.author() != null) {
        r.authors.put(id, row.author());
      }
      if (row.cid() != null) {
        byCid.put(new CidKey(room, row.event().username(), row.cid()), event);
      }
    } else if (row.event() instanceof RoomEvent.Edited edited) {
      JsonObject chat = r.chats.get(id);
      if (chat != null) {
        chat.put("text", edited.text()).put("edited", true);
      }
    } else {
      JsonObject chat = r.chats.get(id);
      if (chat != null) {
        StoredEvents.withState(chat, false, true);
      }
      for (Stored s : r.events) {
        if (id.equals(s.event.getString("id")) && Events.EDITED.equals(s.event.getString("type"))) {
          s.event.put("text", "");
        }
      }
    }
    r.events.addLast(new Stored(event, row.cid()));
    r.head = row.seq();
    if (r.events.size() > window) {
      evict(room, r, r.events.removeFirst());
    }
  }

  private void evict(String room, Room r, Stored old) {
    if (Events.CHAT.equals(old.event.getString("type"))) {
      r.chats.remove(old.event.getString("id"));
      r.authors.remove(old.event.getString("id"));
      if (old.cid != null) {
        byCid.remove(new CidKey(room, old.event.getString("username"), old.cid));
      }
    }
  }

  private static CidKey cidKey(EventRow row) {
    return row.cid() == null || !(row.event() instanceof RoomEvent.Chat)
        ? null : new CidKey(row.room(), row.event().username(), row.cid());
  }

  @Override
  public Future<List<JsonObject>> after(String room, long after, int limit) {
    List<JsonObject> out = new ArrayList<>();
    Room r = rooms.get(room);
    if (r != null) {
      for (Iterator<Stored> it = r.events.iterator(); it.hasNext() && out.size() < limit; ) {
        JsonObject event = it.next().event;
        if (event.getLong("seq") > after) {
          out.add(event.copy());
        }
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<JsonObject>> latest(String room, int limit) {
    ArrayDeque<JsonObject> out = new ArrayDeque<>();
    Room r = rooms.get(room);
    if (r != null) {
      for (Iterator<Stored> it = r.events.descendingIterator(); it.hasNext() && out.size() < limit; ) {
        out.addFirst(it.next().event.copy());
      }
    }
    return Future.succeededFuture(new ArrayList<>(out));
  }

  @Override
  public Future<JsonObject> message(String room, String id) {
    Room r = rooms.get(room);
    JsonObject chat = r == null ? null : r.chats.get(id);
    if (chat == null) {
      return Future.succeededFuture(null);
    }
    String author = r.authors.get(id);
    return Future.succeededFuture(author == null ? chat.copy() : chat.copy().put(AUTHOR, author));
  }

  @Override
  public Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys) {
    Map<CidKey, JsonObject> found = new HashMap<>();
    for (CidKey key : keys) {
      JsonObject chat = byCid.get(key);
      if (chat != null) {
        found.put(key, chat.copy());
      }
    }
    return Future.succeededFuture(found);
  }

  @Override
  public Future<List<JsonObject>> messages(MessageQuery q) {
    ArrayDeque<JsonObject> out = new ArrayDeque<>();
    Room r = rooms.get(q.room());
    if (r != null) {
      Iterator<Stored> it = q.forwards() ? r.events.iterator() : r.events.descendingIterator();
      while (it.hasNext() && out.size() < q.limit()) {
        JsonObject event = it.next().event;
        long seq = event.getLong("seq");
        if (!Events.CHAT.equals(event.getString("type")) || seq <= q.lowerBound() || seq >= q.upperBound()) {
          continue;
        }
        if (q.search() != null && (event.getBoolean("deleted", false) || !q.matches(event.getString("text")))) {
          continue;
        }
        if (q.forwards()) {
          out.addLast(event.copy());
        } else {
          out.addFirst(event.copy());
        }
      }
    }
    return Future.succeededFuture(new ArrayList<>(out));
  }

  @Override
  public Future<Void> close() {
    rooms.clear();
    byCid.clear();
    return Future.succeededFuture();
  }
}
