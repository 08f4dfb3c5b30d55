package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The persisted events of every room, each identified by its room and a per-room {@code seq}.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@link #append} is atomic: after its future succeeds every event is readable; after it fails none is.</li>
 *   <li>The caller assigns {@code seq}s; a store rejects (fails the whole append) an event whose
 *       {@code (room, seq)} already exists, so a sequencing bug can never overwrite history.</li>
 *   <li>Reads return events in ascending {@code seq} order, exactly as appended.</li>
 *   <li>All methods are called from one Vert.x context and complete on it.</li>
 * </ul>
 */
public interface HistoryStore {

  /** The highest {@code seq} stored for {@code room}, 0 when the room has no history. */
  Future<Long> head(String room);

  /** Stores {@code events} (each with {@code room} and {@code seq}) all or nothing. */
  Future<Void> append(List<JsonObject> events);

  /** Up to {@code limit} events of {@code room} with {@code seq > after}, oldest first. */
  Future<List<JsonObject>> after(String room, long after, int limit);

  /** The latest {@code limit} events of {@code room}, oldest first. */
  Future<List<JsonObject>> latest(String room, int limit);

  /** Releases connections; further calls fail. */
  Future<Void> close();
}
