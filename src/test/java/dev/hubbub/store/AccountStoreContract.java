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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link AccountStore} promises on every database it runs on. Names are unique per run, so a shared database is fine. */
@ExtendWith(VertxExtension.class)
abstract class AccountStoreContract {

  private static final String HASH = "$pbkdf2$it=1$c2FsdA$aGFzaA";

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
    store.insertUser(name, HASH)
        .compose(created -> {
          assertEquals(AccountStore.Insert.CREATED, created);
          return store.insertUser(name.toLowerCase(), "$pbkdf2$it=1$c2FsdA$b3RoZXI");
        })
        .compose(again -> {
          assertEquals(AccountStore.Insert.TAKEN, again, "the same name in another case is taken");
          return store.user(name.toUpperCase());
        })
        .compose(found -> {
          assertEquals(name, found.username(), "found in any case, under the name as registered");
          assertEquals(HASH, found.passwordHash());
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
  void aLookAlikeOfARegisteredNameIsRefusedByItsSkeleton(VertxTestContext ctx) {
    String name = "paypal" + run;
    // Cyrillic а and о in place of the Latin letters.
    String lookAlike = "p\u0430yp\u0430l" + run.replace('o', '\u043e');
    store.insertUser(name, HASH)
        .compose(created -> store.insertUser(lookAlike, HASH))
        .compose(refused -> {
          assertEquals(AccountStore.Insert.LOOK_ALIKE, refused);
          return store.lookAlike("PAYPAL" + run);
        })
        .onComplete(ctx.succeeding(found -> ctx.verify(() -> {
          assertEquals(name, found, "found by skeleton, in any case");
          ctx.completeNow();
        })));
  }

  @Test
  void aRoomIsClaimedOnceAndItsAccessReplacedWhole(VertxTestContext ctx) {
    String room = "room-" + run;
    String ann = "ann-" + run;
    String bob = "bob-" + run;
    String cy = "cy-" + run;
    Future.all(store.insertUser(ann, HASH), store.insertUser(bob, HASH), store.insertUser(cy, HASH))
        .compose(v -> store.room(room))
        .compose(none -> {
          assertNull(none);
          return store.claimRoom(room, "nobody-" + run);
        })
        .compose(unknown -> {
          assertFalse(unknown, "only a registered user can own a room");
          return store.claimRoom(room, ann);
        })
        .compose(claimed -> {
          assertTrue(claimed);
          return store.claimRoom(room, bob);
        })
        .compose(second -> {
          assertFalse(second, "the first claim stands");
          return store.setAccess(room, bob, false, true, List.of(bob, cy, "nobody-" + run));
        })
        .compose(set -> {
          assertEquals(ann, set.creator(), "setting access keeps the creator");
          assertEquals(List.of(bob, cy), set.members(), "names nobody holds are left out");
          return store.setAccess(room, bob, false, true, List.of(cy));
        })
        .compose(v -> store.room(room))
        .compose(stored -> {
          assertEquals(new AccountStore.Room(ann, true, List.of(cy)), stored);
          return store.setAccess(room, bob, true, true, List.of(cy));
        })
        .onComplete(ctx.succeeding(assigned -> ctx.verify(() -> {
          assertEquals(bob, assigned.creator(), "an assignment replaces the creator");
          ctx.completeNow();
        })));
  }

  @Test
  void aNameRegisteredAgainInheritsNeitherRoomsNorMemberships(VertxTestContext ctx) {
    String own = "own-" + run;
    String club = "club-" + run;
    String name = "dee-" + run;
    String eve = "eve-" + run;
    Future.all(store.insertUser(name, HASH), store.insertUser(eve, HASH))
        .compose(v -> store.user(name))
        .compose(first -> store.claimRoom(own, name)
            .compose(v -> store.setAccess(club, eve, false, true, List.of(name, eve)))
            .compose(v -> store.deleteUser(name))
            .compose(v -> store.insertUser(name, HASH))
            .compose(v -> store.user(name))
            .map(second -> {
              assertNotEquals(first.id(), second.id(), "a new account under the old name gets a new id");
              return second;
            }))
        .compose(v -> Future.all(store.room(own), store.room(club)))
        .onComplete(ctx.succeeding(rooms -> ctx.verify(() -> {
          AccountStore.Room owned = rooms.resultAt(0);
          AccountStore.Room members = rooms.resultAt(1);
          assertNotNull(owned, "the room stays owned, by nobody living");
          assertNull(owned.creator());
          assertEquals(List.of(eve), members.members());
          ctx.completeNow();
        })));
  }
}
