package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link AccountStore} promises on every database it runs on. Names are unique per run, so a shared database is fine. */
@ExtendWith(VertxExtension.class)
abstract class AccountStoreContract {

  private AccountStore store;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  protected abstract Future<AccountStore> open(Vertx vertx);

  @BeforeEach
  void open(Vertx vertx, VertxTestContext ctx) {
    open(vertx).onComplete(ctx.succeeding(s -> {
      store = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    store.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void usersAreUniqueIgnoringCaseAndDeletable(VertxTestContext ctx) {
    String name = "Ann-" + run;
    store.insertUser(name, "$pbkdf2$it=1$c2FsdA$aGFzaA")
        .compose(created -> {
          assertTrue(created);
          return store.insertUser(name.toLowerCase(), "$pbkdf2$it=1$c2FsdA$b3RoZXI");
        })
        .compose(again -> {
          assertFalse(again, "the same name in another case is taken");
          return store.user(name.toUpperCase());
        })
        .compose(found -> {
          assertEquals(name, found.username(), "found in any case, under the name as registered");
          assertEquals("$pbkdf2$it=1$c2FsdA$aGFzaA", found.passwordHash());
          assertEquals(List.of(), found.roles());
          return store.deleteUser(name);
        })
        .compose(deleted -> {
          assertTrue(deleted);
          return store.user(name);
        })
        .onComplete(ctx.succeeding(gone -> ctx.verify(() -> {
          assertNull(gone);
          ctx.completeNow();
        })));
  }

  @Test
  void aRoomIsClaimedOnceAndItsAccessReplacedWhole(VertxTestContext ctx) {
    String room = "room-" + run;
    store.room(room)
        .compose(none -> {
          assertNull(none);
          return store.claimRoom(room, "ann");
        })
        .compose(claimed -> {
          assertTrue(claimed);
          return store.claimRoom(room, "bob");
        })
        .compose(second -> {
          assertFalse(second, "the first claim stands");
          return store.setAccess(room, "bob", true, List.of("bob", "cy"));
        })
        .compose(set -> {
          assertEquals("ann", set.creator(), "setting access keeps the creator");
          return store.setAccess(room, "bob", true, List.of("cy"));
        })
        .compose(v -> store.room(room))
        .onComplete(ctx.succeeding(stored -> ctx.verify(() -> {
          assertEquals(new AccountStore.Room("ann", true, List.of("cy")), stored);
          ctx.completeNow();
        })));
  }

  @Test
  void deletingAUserDropsTheirMemberships(VertxTestContext ctx) {
    String room = "club-" + run;
    String name = "dee-" + run;
    store.insertUser(name, "$pbkdf2$it=1$c2FsdA$aGFzaA")
        .compose(v -> store.setAccess(room, "owner", true, List.of(name, "eve")))
        .compose(v -> store.deleteUser(name))
        .compose(v -> store.room(room))
        .onComplete(ctx.succeeding(stored -> ctx.verify(() -> {
          assertEquals(List.of("eve"), stored.members());
          ctx.completeNow();
        })));
  }
}
