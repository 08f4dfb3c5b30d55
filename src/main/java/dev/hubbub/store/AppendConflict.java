package dev.hubbub.store;

import java.sql.SQLException;

/**
 * An {@link HistoryStore#append} refused because a row's {@code (room, seq)} or a chat's
 * {@code (room, username, cid)} is stored already; nothing of that append was written. The sequencer reads
 * what it assumed (heads, cids) again and retries: a repeated cid or a stale head, never a lost write.
 */
public final class AppendConflict extends RuntimeException {

  /** SQLSTATE of a unique violation, the same on H2 and PostgreSQL. */
  private static final String UNIQUE_VIOLATION = "23505";

  public AppendConflict(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure} (or a cause of it) is a unique-key violation, from any store. */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AppendConflict) {
        return true;
      }
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
