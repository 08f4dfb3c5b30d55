package dev.hubbub.store;

import dev.hubbub.protocol.Names;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Users and room access in the SQL database, through the Vert.x JDBC pool (blocking JDBC runs on its
 * workers). Every statement comes from {@link Sql}. Used by one verticle, which serialises its writes.
 */
public final class AccountStore {

  /**
   * A stored user; {@code passwordHash} never leaves the accounts verticle.
   *
   * @param id        the account's immutable id: a name registered again after a deletion gets another
   * @param createdAt when the account was registered, ms since the epoch
   */
  public record User(String id, String username, String passwordHash, List<String> roles, long createdAt) {
  }

  /**
   * A room's recorded owner and members; a room without a record is public and unowned.
   *
   * @param creator the creator's current name, or null when their account is gone (the room stays owned)
   * @param members the current names of the members' accounts
   */
  public record Room(String creator, boolean membersOnly, List<String> members) {
  }

  /** How a registration went: stored, or refused because the name or a look-alike of it is registered. */
  public enum Insert { CREATED, TAKEN, LOOK_ALIKE }

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /** The user named {@code username} in any case, or null. */
  public Future<User> user(String username) {
    return pool.preparedQuery(Sql.USER).execute(Tuple.of(Names.key(username))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      List<String> roles = Arrays.stream(row.getString(3).split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
      return new User(row.getString(0), row.getString(1), row.getString(2), roles, row.getLong(4));
    });
  }

  /** The registered name a reader could take {@code username} for ({@link Names#skeleton}), or null. One indexed lookup. */
  public Future<String> lookAlike(String username) {
    return pool.preparedQuery(Sql.USER_BY_SKELETON).execute(Tuple.of(Names.skeleton(username)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Stores a new user under a fresh account id, unless the name (in any case) or a look-alike of it is taken. */
  public Future<Insert> insertUser(String username, String passwordHash) {
    String skeleton = Names.skeleton(username);
    return pool.preparedQuery(Sql.INSERT_USER)
        .execute(Tuple.of(Names.key(username), username, passwordHash, System.currentTimeMillis(), UUID.randomUUID().toString(), skeleton))
        .map(rows -> Insert.CREATED)
        // A unique index refused it, unless the database failed otherwise: tell them apart.
        .recover(e -> user(username).compose(existing -> existing != null ? Future.succeededFuture(Insert.TAKEN)
            : lookAlike(username).compose(other -> other != null ? Future.succeededFuture(Insert.LOOK_ALIKE) : Future.failedFuture(e))));
  }

  /**
   * Fills the skeleton of accounts registered before it was stored; a name that looks like another
   * account's keeps none (both stay usable, but their look-alikes are still refused). Returns how many clash.
   */
  public Future<Integer> fillSkeletons() {
    return pool.query(Sql.USERS_WITHOUT_SKELETON).execute().compose(rows -> {
      Future<Integer> clashes = Future.succeededFuture(0);
      for (Row row : rows) {
        String nameKey = row.getString(0);
        String skeleton = Names.skeleton(row.getString(1));
        clashes = clashes.compose(n -> pool.preparedQuery(Sql.SET_SKELETON).execute(Tuple.of(skeleton, nameKey))
            .map(v -> n).otherwise(n + 1));
      }
      return clashes;
    });
  }

  /** Removes the user and their room memberships; rooms they created stay owned by nobody living. False when there was no such user. */
  public Future<Boolean> deleteUser(String username) {
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.USER).execute(Tuple.of(Names.key(username))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      String id = rows.iterator().next().getString(0);
      return conn.preparedQuery(Sql.DELETE_USER_MEMBERSHIPS).execute(Tuple.of(id))
          .compose(v -> conn.preparedQuery(Sql.DELETE_USER).execute(Tuple.of(id)))
          .map(deleted -> deleted.rowCount() > 0);
    }));
  }

  /** The room's record, or null when nobody owns it yet. */
  public Future<Room> room(String room) {
    return pool.withConnection(conn -> room(conn, room));
  }

  /** Records the registered user {@code creator} as the owner of a public room; false when someone already owns it (or no such user). */
  public Future<Boolean> claimRoom(String room, String creator) {
    return pool.preparedQuery(Sql.INSERT_ROOM).execute(Tuple.of(room, false, System.currentTimeMillis(), Names.key(creator)))
        .map(rows -> rows.rowCount() > 0)
        .recover(e -> room(room).compose(existing -> existing != null ? Future.succeededFuture(false) : Future.failedFuture(e)));
  }

  /**
   * Sets who may use the room, recording {@code creator} as its owner when it had none, or as its new owner
   * when {@code assign} (an admin's choice). Members are registered users; names nobody holds are left out.
   * One transaction.
   */
  public Future<Room> setAccess(String room, String creator, boolean assign, boolean membersOnly, List<String> members) {
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.ROOM).execute(Tuple.of(room)).compose(rows -> {
      Future<?> upsert = rows.size() == 0
          ? conn.preparedQuery(Sql.INSERT_ROOM).execute(Tuple.of(room, membersOnly, System.currentTimeMillis(), Names.key(creator)))
          : conn.preparedQuery(Sql.UPDATE_ROOM).execute(Tuple.of(membersOnly, room));
      return upsert
          .compose(v -> assign && rows.size() > 0
              ? conn.preparedQuery(Sql.ASSIGN_ROOM).execute(Tuple.of(Names.key(creator), Names.key(creator), room)) : Future.succeededFuture())
          .compose(v -> conn.preparedQuery(Sql.CLEAR_ROOM_MEMBERS).execute(Tuple.of(room)))
          .compose(v -> members.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery(Sql.INSERT_ROOM_MEMBER).executeBatch(members.stream().map(m -> Tuple.of(room, Names.key(m))).toList()))
          .compose(v -> room(conn, room));
    }));
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static Future<Room> room(SqlConnection conn, String room) {
    return conn.preparedQuery(Sql.ROOM).execute(Tuple.of(room)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row row = rows.iterator().next();
      return members(conn, room).map(members -> new Room(row.getString(0), row.getBoolean(1), members));
    });
  }

  private static Future<List<String>> members(SqlConnection conn, String room) {
    return conn.preparedQuery(Sql.ROOM_MEMBERS).execute(Tuple.of(room)).map(rows -> {
      List<String> members = new ArrayList<>();
      rows.forEach(r -> members.add(r.getString(0)));
      return members;
    });
  }
}
