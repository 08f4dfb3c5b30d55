package dev.hubbub;

import dev.hubbub.config.HubConfig;
import dev.hubbub.store.StoreFile;

import java.nio.file.Path;
import java.sql.SQLException;

/** Start-up failures an operator should read as one plain line rather than a stack trace. */
final class StartFailures {

  /** H2's "Database may be already in use" (another process holds the file lock). */
  static final int H2_DATABASE_IN_USE = 90020;

  private StartFailures() {
  }

  /** The line to print when {@code failure} is the embedded database being locked by another process, else null. */
  static String databaseInUse(Throwable failure, HubConfig.Db db) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      boolean locked = t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IN_USE
          || String.valueOf(t.getMessage()).contains("Database may be already in use");
      if (locked) {
        Path file = StoreFile.of(db.url());
        return "the database " + (file == null ? "(db.url)" : file.toAbsolutePath().normalize())
            + " is in use by another process (another hub?): an embedded H2 database has one hub at a time;"
            + " stop the other one or set db.url to another file";
      }
    }
    return null;
  }
}
