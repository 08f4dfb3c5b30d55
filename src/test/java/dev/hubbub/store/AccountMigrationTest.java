package dev.hubbub.store;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.support.TempDb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A database from before account ids (V2) keeps its accounts, rooms and members through V4, and gets skeletons at start-up. */
@ExtendWith(VertxExtension.class)
class AccountMigrationTest {

  @Test
  void accountsFromBeforeV4KeepTheirRoomsAndGetSkeletons(Vertx vertx, VertxTestContext ctx) throws Exception {
    String url = TempDb.freshH2Url();
    Flyway.configure().dataSource(url, "sa", "").locations(Databases.MIGRATIONS).target("2").load().migrate();
    try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement sql = db.createStatement()) {
      sql.execute("INSERT INTO users (name_key, username, password_hash, created_at) VALUES ('ann', 'Ann', 'x', 1)");
      sql.execute("INSERT INTO users (name_key, username, password_hash, created_at) VALUES ('bob', 'bob', 'x', 1)");
      sql.execute("INSERT INTO rooms (room, creator, members_only, created_at) VALUES ('club', 'Ann', TRUE, 1)");
      sql.execute("INSERT INTO room_members (room, username) VALUES ('club', 'bob')");
      sql.execute("INSERT INTO room_members (room, username) VALUES ('club', 'gone')");
    }
    JsonObject config = ConfigLoader.defaults().mergeIn(new JsonObject().put("db", new JsonObject().put("url", url)), true);
    Databases.open(vertx, HubConfig.from(config).db()).map(AccountStore::new)
        .compose(store -> store.fillSkeletons()
            .compose(clashes -> {
              assertEquals(0, clashes);
              return store.room("club");
            })
            .compose(club -> {
              assertEquals(new AccountStore.Room("Ann", true, List.of("bob")), club, "a member nobody holds is dropped");
              return store.user("ann");
            })
            .compose(ann -> {
              assertNotNull(ann.id());
              return store.insertUser("\u0430nn", "y"); // a Cyrillic а: caught by the skeleton filled in at start-up
            })
            .eventually(store::close))
        .onComplete(ctx.succeeding(lookAlike -> ctx.verify(() -> {
          assertEquals(AccountStore.Insert.LOOK_ALIKE, lookAlike);
          ctx.completeNow();
        })));
  }
}
