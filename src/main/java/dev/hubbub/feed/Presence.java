package dev.hubbub.feed;

import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who is in which room: members are bridge sessions (one connection each) under a username unique in the
 * room, and unique by confusable skeleton too. {@link PresenceVerticle} puts the bus, access checks and
 * events around it; this is only the state, so a clustered implementation can replace the local one.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>Calls for one room take effect in the order they are made, and each future completes on the
 *       caller's context; the events the caller publishes from the results are then in that order.</li>
 *   <li>{@link #join} is idempotent for the same session and name; a session joining again under another
 *       name replaces its old name ({@link Joined#replaced}). A name taken (or looked-alike) by another
 *       session fails the future with a {@link Failure.Rejected} 409 and changes nothing.</li>
 *   <li>{@link #leave} of a session that is not present changes nothing and answers {@code null}.</li>
 *   <li>Rosters list usernames in join order. A room with no members is forgotten, membership mode included.</li>
 * </ul>
 */
public interface Presence {

  /**
   * A join's outcome: the roster after it; {@code changed} false for a rejoin under the same name;
   * {@code replaced} the session's previous name in the room (and whether it was a guest's), else null.
   */
  record Joined(List<String> users, boolean changed, String replaced, boolean replacedGuest) {
  }

  /** A session that left: its name and whether it was a guest. */
  record Left(String username, boolean guest) {
  }

  Future<Joined> join(String room, String session, String username, boolean guest, boolean membersOnly);

  /** The member that left, or null when {@code session} was not in {@code room}. */
  Future<Left> leave(String room, String session);

  /** The room's members in join order, empty when nobody is there. */
  Future<List<String>> members(String room);

  /** How many are in the room now, answered locally (the roster coalescer sizes its windows by it). */
  int size(String room);

  /** The room's mode changed: members-only rooms are kept out of {@link #publicRooms}. */
  void accessChanged(String room, boolean membersOnly);

  /** Occupied rooms sorted by name, members-only ones left out: {@code {room, users}} each. */
  Future<List<JsonObject>> publicRooms();
}
