package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keeps the latest {@code window} events of each room in memory. Nothing survives a restart, and a
 * resume from further back than the window gets what the window still holds.
 */
public final class MemoryHistoryStore implements HistoryStore {

  private final int window;
  private final Map<String, Room> rooms = new HashMap<>();

  private static final class Room {
    final ArrayDeque<JsonObject> events = new ArrayDeque<>();
    long head;
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
  public Future<Void> append(List<JsonObject> events) {
    Map<String, Long> heads = new HashMap<>();
    for (JsonObject event : events) {
      String room = event.getString("room");
      long seq = event.getLong("seq");
      long head = heads.computeIfAbsent(room, r -> rooms.containsKey(r) ? rooms.get(r).head : 0L);
      if (seq <= head) {
        return Future.failedFuture(new IllegalStateException("seq " + seq + " already stored in room " + room));
      }
      heads.put(room, seq);
    }
    for (JsonObject event : events) {
      Room r = rooms.computeIfAbsent(event.getString("room"), k -> new Room());
      r.events.addLast(event.copy());
      r.head = event.getLong("seq");
      if (r.events.size() > window) {
        r.events.removeFirst();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<JsonObject>> after(String room, long after, int limit) {
    List<JsonObject> out = new ArrayList<>();
    Room r = rooms.get(room);
    if (r != null) {
      for (Iterator<JsonObject> it = r.events.iterator(); it.hasNext() && out.size() < limit; ) {
        JsonObject event = it.next();
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
      for (Iterator<JsonObject> it = r.events.descendingIterator(); it.hasNext() && out.size() < limit; ) {
        out.addFirst(it.next().copy());
      }
    }
    return Future.succeededFuture(new ArrayList<>(out));
  }

  @Override
  public Future<Void> close() {
    rooms.clear();
    return Future.succeededFuture();
  }
}
