package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The persisted events of every room ({@code chat}, {@code edited}, {@code deleted}): appended as typed
 * {@link EventRow}s, read back as their JSON, each identified by its room and a per-room {@code seq}.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@link #append} is atomic: after its future succeeds every event is readable; after it fails none is.
 *       For the durable store, success means committed.</li>
 *   <li>The caller assigns {@code seq}s; a store rejects (fails the whole append) an event whose
 *       {@code (room, seq)} already exists, or a chat whose {@code (room, username, cid)} already exists,
 *       so neither a sequencing bug nor a retried publish can overwrite or duplicate history. Such a
 *       refusal is recognisable ({@link AppendConflict#is}): the sequencer's fence depends on it.</li>
 *   <li>Appending {@code edited} updates its chat message in place (new text, {@code edited: true});
 *       appending {@code deleted} marks it {@code deleted: true} and blanks the text of the message and of
 *       its earlier edits. The store does not check ownership: the sequencer does, before it appends.</li>
 *   <li>Reads return events in ascending {@code seq} order. A chat event is returned in its current state:
 *       {@code edited: true} and/or {@code deleted: true} (with {@code text: ""}) when that applies;
 *       {@code cid} is never returned.</li>
 *   <li>Each room's history has an {@linkplain #epoch epoch}, created atomically with its first event
 *       ({@code seq} 1) and never changed after, so a resume can tell this history from a replaced one.</li>
 *   <li>All methods are called from one Vert.x context and complete on it.</li>
 * </ul>
 */
public interface HistoryStore {

  /**
   * The field naming a stored chat's author's account id (absent for guests), returned by {@link #message}
   * only, for the sequencer's ownership check; no other read returns it.
   */
  String AUTHOR = "authorId";

  /** A fresh epoch: 11 URL-safe characters (64 random bits), so it can travel in a query string as is. */
  static String newEpoch() {
    byte[] bytes = new byte[8];
    Epochs.RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The epoch of {@code room}'s history, or {@code null} while the room has none. */
  Future<String> epoch(String room);

  /** The highest {@code seq} stored for {@code room}, 0 when the room has no history. */
  Future<Long> head(String room);

  /**
   * Stores {@code rows} all or nothing, in list order. A chat's {@code cid} is kept for {@link #chatsByCid},
   * and its {@link EventRow#author} for {@link #message}; reads return neither.
   */
  Future<Void> append(List<EventRow> rows);

  /** Up to {@code limit} events of {@code room} with {@code seq > after}, oldest first. */
  Future<List<JsonObject>> after(String room, long after, int limit);

  /** The latest {@code limit} events of {@code room}, oldest first. */
  Future<List<JsonObject>> latest(String room, int limit);

  /**
   * The chat message {@code id} of {@code room} in its current state, with its {@link #AUTHOR} when it has
   * one, or {@code null} when there is none.
   */
  Future<JsonObject> message(String room, String id);

  /** The stored chat events for those of {@code keys} that were used already; absent keys are new. */
  Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys);

  /** Chat messages (not edit or delete events) in their current state, see {@link MessageQuery}. */
  Future<List<JsonObject>> messages(MessageQuery query);

  /**
   * An event of {@code room} was stored, by this node or another: forget what was read of it. Called on
   * this store's context; the default keeps nothing.
   */
  default void changed(String room) {
  }

  /**
   * A write failed: let go of connections that may be dead, so the store heals when the database comes
   * back. Called on the writer's context; the default does nothing.
   */
  default void failed() {
  }

  /** Releases connections; further calls fail. */
  Future<Void> close();
}

/** Holder of the random source for {@link HistoryStore#newEpoch}. */
final class Epochs {
  static final SecureRandom RANDOM = new SecureRandom();

  private Epochs() {
  }
}
