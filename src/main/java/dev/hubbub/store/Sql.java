package dev.hubbub.store;

import java.util.Collections;

/**
 * Every SQL statement Hubbub runs, in the dialect H2 2.x and PostgreSQL share. The schema itself is
 * created by the Flyway migrations under {@code src/main/resources/db/migration}.
 */
final class Sql {

  /** The columns a stored event is read back from, in the order {@link JdbcHistoryStore} decodes them. */
  private static final String COLUMNS = "room, seq, kind, message_id, username, body, ts, edited, deleted, guest";

  static final String HEAD = "SELECT COALESCE(MAX(seq), 0) FROM room_events WHERE room = ?";

  static final String INSERT = "INSERT INTO room_events (room, seq, kind, message_id, username, body, ts, cid, guest, author_id)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static final String EPOCH = "SELECT epoch FROM room_epochs WHERE room = ?";

  /** A room's first event starts a new history: its epoch replaces any left behind. */
  static final String DELETE_EPOCH = "DELETE FROM room_epochs WHERE room = ?";

  static final String INSERT_EPOCH = "INSERT INTO room_epochs (room, epoch, created_at) VALUES (?, ?, ?)";

  /** Applies an edit to the chat message it names. */
  static final String APPLY_EDIT = "UPDATE room_events SET body = ?, edited = TRUE"
      + " WHERE room = ? AND message_id = ? AND kind = 'chat'";

  /** Applies a deletion: the message and its edits lose their text, so it cannot be read back anywhere. */
  static final String APPLY_DELETE = "UPDATE room_events SET body = NULL, deleted = TRUE"
      + " WHERE room = ? AND message_id = ? AND kind <> 'deleted'";

  static final String AFTER = "SELECT " + COLUMNS + " FROM room_events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?";

  /** Newest first; the store reverses the page. */
  static final String LATEST = "SELECT " + COLUMNS + " FROM room_events WHERE room = ? ORDER BY seq DESC LIMIT ?";

  /** One chat message with its author's account id last (only the sequencer's ownership check reads it). */
  static final String MESSAGE = "SELECT " + COLUMNS + ", author_id FROM room_events WHERE room = ? AND message_id = ? AND kind = 'chat'";

  /** Chat messages between two exclusive seq bounds, oldest first (paging forwards). */
  static final String MESSAGES_FORWARD = "SELECT " + COLUMNS + " FROM room_events"
      + " WHERE room = ? AND kind = 'chat' AND seq > ? AND seq < ? ORDER BY seq LIMIT ?";

  /** Chat messages between two exclusive seq bounds, newest first (paging backwards). */
  static final String MESSAGES_BACKWARD = "SELECT " + COLUMNS + " FROM room_events"
      + " WHERE room = ? AND kind = 'chat' AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?";

  /** Case-insensitive search; the pattern escapes its wildcards with {@link #LIKE_ESCAPE}. */
  static final String SEARCH_FORWARD = "SELECT " + COLUMNS + " FROM room_events"
      + " WHERE room = ? AND kind = 'chat' AND seq > ? AND seq < ? AND LOWER(body) LIKE ? ESCAPE '!' ORDER BY seq LIMIT ?";

  static final String SEARCH_BACKWARD = "SELECT " + COLUMNS + " FROM room_events"
      + " WHERE room = ? AND kind = 'chat' AND seq > ? AND seq < ? AND LOWER(body) LIKE ? ESCAPE '!' ORDER BY seq DESC LIMIT ?";

  static final char LIKE_ESCAPE = '!';

  // Accounts and room access (AccountStore). A user is found by the lower-cased NFKC name, name_key; what
  // belongs to an account (rooms it created, memberships) is tied to its immutable account_id.

  static final String USER = "SELECT account_id, username, password_hash, roles, created_at FROM users WHERE name_key = ?";

  static final String USER_BY_SKELETON = "SELECT username FROM users WHERE skeleton = ?";

  static final String INSERT_USER = "INSERT INTO users (name_key, username, password_hash, roles, created_at, account_id, skeleton)"
      + " VALUES (?, ?, ?, '', ?, ?, ?)";

  static final String USERS_WITHOUT_SKELETON = "SELECT name_key, username FROM users WHERE skeleton IS NULL";

  static final String SET_SKELETON = "UPDATE users SET skeleton = ? WHERE name_key = ?";

  static final String DELETE_USER = "DELETE FROM users WHERE account_id = ?";

  static final String DELETE_USER_MEMBERSHIPS = "DELETE FROM room_members WHERE account_id = ?";

  /** The living creator's current name (null when their account is gone) and the room's mode. */
  static final String ROOM = "SELECT u.username, r.members_only FROM rooms r LEFT JOIN users u ON u.account_id = r.creator_id"
      + " WHERE r.room = ?";

  static final String ROOM_MEMBERS = "SELECT u.username FROM room_members m JOIN users u ON u.account_id = m.account_id"
      + " WHERE m.room = ? ORDER BY u.username";

  /** Records a registered user (by name_key) as a room's creator; inserts nothing for a name nobody holds. */
  static final String INSERT_ROOM = "INSERT INTO rooms (room, creator, creator_id, members_only, created_at)"
      + " SELECT ?, username, account_id, ?, ? FROM users WHERE name_key = ?";

  static final String UPDATE_ROOM = "UPDATE rooms SET members_only = ? WHERE room = ?";

  static final String ASSIGN_ROOM = "UPDATE rooms SET creator = (SELECT username FROM users WHERE name_key = ?),"
      + " creator_id = (SELECT account_id FROM users WHERE name_key = ?) WHERE room = ?";

  static final String CLEAR_ROOM_MEMBERS = "DELETE FROM room_members WHERE room = ?";

  static final String INSERT_ROOM_MEMBER = "INSERT INTO room_members (room, username, account_id)"
      + " SELECT ?, username, account_id FROM users WHERE name_key = ?";

  private Sql() {
  }

  /** Chats by client id, for {@code n} cids; the caller matches room and username on the rows returned. */
  static String chatsByCid(int n) {
    return "SELECT cid, " + COLUMNS + " FROM room_events WHERE kind = 'chat' AND cid IN ("
        + String.join(", ", Collections.nCopies(n, "?")) + ")";
  }

  /** A LIKE pattern matching {@code text} anywhere, its own wildcards taken literally. */
  static String containsPattern(String text) {
    StringBuilder pattern = new StringBuilder("%");
    for (char c : text.toCharArray()) {
      if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
        pattern.append(LIKE_ESCAPE);
      }
      pattern.append(c);
    }
    return pattern.append('%').toString();
  }
}
