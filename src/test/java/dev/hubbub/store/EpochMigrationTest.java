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

/** Migration V3 gives every room that already has history an epoch: the time of its first event. */
class EpochMigrationTest {

  @Test
  void roomsWithHistoryFromBeforeV3GetAnEpoch() throws Exception {
    String url = TempDb.freshH2Url();
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("2").load().migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.execute("INSERT INTO room_events (room, seq, kind, message_id, username, body, ts) VALUES"
          + " ('a', 1, 'chat', 'm1', 'u', 'x', 1700000000000), ('a', 2, 'chat', 'm2', 'u', 'y', 1700000000005),"
          + " ('b', 1, 'chat', 'm3', 'u', 'z', 42)");
    }
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").load().migrate();
    Map<String, String> epochs = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT room, epoch FROM room_epochs")) {
      while (rows.next()) {
        epochs.put(rows.getString(1), rows.getString(2));
      }
    }
    assertEquals(Map.of("a", "1700000000000", "b", "42"), epochs);
  }
}
