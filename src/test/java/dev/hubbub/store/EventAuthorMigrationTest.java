package dev.hubbub.store;

import dev.hubbub.support.TempDb;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Events from before V5 get the author that holds their name now; guests' and those of names nobody holds get none. */
class EventAuthorMigrationTest {

  @Test
  void eventsFromBeforeV5AreAttributedToTheAccountHoldingTheirName() throws Exception {
    String url = TempDb.freshH2Url();
    Flyway.configure().dataSource(url, "sa", "").locations(Databases.MIGRATIONS).target("4").load().migrate();
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
      sql.execute("INSERT INTO users (name_key, username, password_hash, created_at, account_id) VALUES ('ann', 'Ann', 'x', 1, 'acc-ann')");
      sql.execute("INSERT INTO room_events (room, seq, kind, message_id, username, body, ts, guest) VALUES ('r', 1, 'chat', 'm1', 'Ann', 'hi', 1, FALSE)");
      sql.execute("INSERT INTO room_events (room, seq, kind, message_id, username, body, ts, guest) VALUES ('r', 2, 'chat', 'm2', 'ann', 'hi', 1, TRUE)");
      sql.execute("INSERT INTO room_events (room, seq, kind, message_id, username, body, ts, guest) VALUES ('r', 3, 'chat', 'm3', 'gone', 'hi', 1, FALSE)");
    }
    Flyway.configure().dataSource(url, "sa", "").locations(Databases.MIGRATIONS).load().migrate();
    Map<String, String> authors = new HashMap<>();
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement();
         ResultSet rows = sql.executeQuery("SELECT message_id, author_id FROM room_events")) {
      while (rows.next()) {
        authors.put(rows.getString(1), rows.getString(2));
      }
    }
    Map<String, String> expected = new HashMap<>();
    expected.put("m1", "acc-ann");
    expected.put("m2", null); // a guest's message never becomes a registered namesake's
    expected.put("m3", null); // a name nobody holds: only an admin can delete it
    assertEquals(expected, authors);
  }
}
