package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Users and room access in the SQL database, through the Vert.x JDBC pool (blocking JDBC runs on its
 * workers). Every statement comes from {@link Sql}. Used by one verticle, which serialises its writes.
 */
public final class AccountStore {

  /** A stored user; {@code passwordHash} never leaves the accounts verticle. */
  public record User(String username, String passwordHash, List<String> roles) {
  }

  /** A room's recorded owner and members; a room without a record is public and unowned. */
  public record Room(String creator, boolean membersOnly, List<String> members) {
  }

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /** Names are unique ignoring case: this is the key a name is stored and looked up under. */
  public static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  /** The user named {@code username} in any case, or null. */
  public Future<User> user(String username) {
    return pool.preparedQuery(Sql.USER).execute(Tuple.of(key(username))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      List<String> roles = Arrays.stream(row.getString(2).split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
      return new User(row.getString(0), row.getString(1), roles);
    });
  }

  /** Stores a new user; false when the name (in any case) is taken. */
  public Future<Boolean> insertUser(String username, String passwordHash) {
    return pool.preparedQuery(Sql.INSERT_USER).execute(Tuple.of(key(username), username, passwordHash, System.currentTimeMillis()))
        .map(rows -> true)
        // The primary key refused it, unless the database failed otherwise: tell the two apart.
        .recover(e -> user(username).compose(existing -> existing != null ? Future.succeededFuture(false) : Future.failedFuture(e)));
  }

  /** Removes the user and their room memberships; false when there was no such user. */
  public Future<Boolean> deleteUser(String username) {
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.DELETE_USER).execute(Tuple.of(key(username)))
        .compose(deleted -> conn.preparedQuery(Sql.DELETE_USER_MEMBERSHIPS).execute(Tuple.of(username))
            .map(v -> deleted.rowCount() > 0)));
  }

  /** The room's record, or null when nobody owns it yet. */
  public Future<Room> room(String room) {
    return pool.withConnection(conn -> conn.preparedQuery(Sql.ROOM).execute(Tuple.of(room)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row row = rows.iterator().next();
      return members(conn, room).map(members -> new Room(row.getString(0), row.getBoolean(1), members));
    }));
  }

  /** Records {@code creator} as the owner of a public room; false when someone already owns it. */
  public Future<Boolean> claimRoom(String room, String creator) {
    return pool.preparedQuery(Sql.INSERT_ROOM).execute(Tuple.of(room, creator, false, System.currentTimeMillis()))
        .map(rows -> true)
        .recover(e -> room(room).compose(existing -> existing != null ? Future.succeededFuture(false) : Future.failedFuture(e)));
  }

  /** Sets who may use the room, recording {@code creator} as its owner when it had none. One transaction. */
  public Future<Room> setAccess(String room, String creator, boolean membersOnly, List<String> members) {
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.ROOM).execute(Tuple.of(room)).compose(rows -> {
      String owner = rows.size() == 0 ? creator : rows.iterator().next().getString(0);
      Future<?> upsert = rows.size() == 0
          ? conn.preparedQuery(Sql.INSERT_ROOM).execute(Tuple.of(room, creator, membersOnly, System.currentTimeMillis()))
          : conn.preparedQuery(Sql.UPDATE_ROOM).execute(Tuple.of(membersOnly, room));
      return upsert
          .compose(v -> conn.preparedQuery(Sql.CLEAR_ROOM_MEMBERS).execute(Tuple.of(room)))
          .compose(v -> members.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery(Sql.INSERT_ROOM_MEMBER).executeBatch(members.stream().map(m -> Tuple.of(room, m)).toList()))
          .map(v -> new Room(owner, membersOnly, List.copyOf(members)));
    }));
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static Future<List<String>> members(SqlConnection conn, String room) {
    return conn.preparedQuery(Sql.ROOM_MEMBERS).execute(Tuple.of(room)).map(rows -> {
      List<String> members = new ArrayList<>();
      rows.forEach(r -> members.add(r.getString(0)));
      return members;
    });
  }
}
