package dev.hubbub.store;

import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * History in a SQL database (H2 or PostgreSQL) through the Vert.x JDBC pool, which runs the blocking
 * JDBC calls on worker threads. The schema comes from the Flyway migrations; every statement from {@link Sql}.
 * An {@link #append} is one transaction, so a group-committed batch costs one commit; with a
 * {@link CommitGroup}, the batches of every shard arriving during a commit share the next one.
 */
public final class JdbcHistoryStore implements HistoryStore {

  /** Cids looked up per statement, to keep the IN list short. */
  private static final int CID_CHUNK = 100;

  /** Where {@link Sql#MESSAGE} puts {@code author_id}, after the columns {@link #event} decodes. */
  private static final int AUTHOR_COLUMN = 10;

  private Pool pool;
  /** Opens a replacement pool after a failed write; null: keep the one pool. */
  private final Supplier<Pool> reopen;
  /** False while the store still uses the pool it was given. */
  private boolean ownsPool;
  /** Where appends go when the store shares its commits with other writers; null: its own transaction each. */
  private final CommitGroup commits;

  public JdbcHistoryStore(Pool pool) {
    this(pool, null);
  }

  public JdbcHistoryStore(Pool pool, Supplier<Pool> reopen) {
    this(pool, reopen, null);
  }

  /** A store whose appends are written by {@code commits} (which has its own connections), its reads on {@code pool}. */
  public JdbcHistoryStore(Pool pool, Supplier<Pool> reopen, CommitGroup commits) {
    this.pool = pool;
    this.reopen = reopen;
    this.commits = commits;
  }

  /**
   * The pool keeps connections a database outage killed (H2 "database is already closed" forever after),
   * so after a failed write it is replaced: the next statements connect afresh and succeed once the
   * database is back.
   */
  @Override
  public void failed() {
    if (reopen != null) {
      Pool dead = pool;
      pool = reopen.get();
      if (ownsPool) {
        dead.close(); // the first pool is the hub's, shared with others: its owner closes it
      }
      ownsPool = true;
    }
  }

  @Override
  public Future<Long> head(String room) {
    return pool.preparedQuery(Sql.HEAD).execute(Tuple.of(room)).map(rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public Future<String> epoch(String room) {
    return pool.preparedQuery(Sql.EPOCH).execute(Tuple.of(room))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  @Override
  public Future<Void> append(List<EventRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    if (commits != null) {
      return commits.append(rows);
    }
    List<Tuple> inserts = new ArrayList<>(rows.size());
    List<Tuple> edits = new ArrayList<>();
    List<Tuple> deletes = new ArrayList<>();
    List<Tuple> newRooms = new ArrayList<>();
    List<Tuple> epochs = new ArrayList<>();
    for (EventRow row : rows) {
      RoomEvent.Persisted e = row.event();
      String room = e.room();
      String body = e instanceof RoomEvent.Chat c ? c.text() : e instanceof RoomEvent.Edited ed ? ed.text() : null;
      inserts.add(Tuple.tuple().addString(room).addLong(e.seq()).addString(e.type()).addString(e.id())
          .addString(e.username()).addString(body).addLong(e.ts()).addString(row.cid())
          .addBoolean(e.guest()).addString(row.author()));
      if (e.seq() == 1) {
        newRooms.add(Tuple.of(room));
        epochs.add(Tuple.of(room, HistoryStore.newEpoch(), e.ts()));
      }
      if (e instanceof RoomEvent.Edited) {
        edits.add(Tuple.of(body, room, e.id()));
      } else if (e instanceof RoomEvent.Deleted) {
        deletes.add(Tuple.of(room, e.id()));
      }
    }
    // Edits before deletions: within one batch a message can be edited and then deleted, never the reverse.
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.INSERT).executeBatch(inserts)
        .compose(v -> batch(conn, Sql.DELETE_EPOCH, newRooms))
        .compose(v -> batch(conn, Sql.INSERT_EPOCH, epochs))
        .compose(v -> batch(conn, Sql.APPLY_EDIT, edits))
        .compose(v -> batch(conn, Sql.APPLY_DELETE, deletes)));
  }

  private static Future<Void> batch(SqlClient conn, String sql, List<Tuple> tuples) {
    return tuples.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(sql).executeBatch(tuples).mapEmpty();
  }

  @Override
  public Future<List<JsonObject>> after(String room, long after, int limit) {
    return pool.preparedQuery(Sql.AFTER).execute(Tuple.of(room, after, limit)).map(rows -> events(rows, 0, false));
  }

  @Override
  public Future<List<JsonObject>> latest(String room, int limit) {
    return pool.preparedQuery(Sql.LATEST).execute(Tuple.of(room, limit)).map(rows -> events(rows, 0, true));
  }

  @Override
  public Future<JsonObject> message(String room, String id) {
    return pool.preparedQuery(Sql.MESSAGE).execute(Tuple.of(room, id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      JsonObject chat = event(row, 0);
      String author = row.getString(AUTHOR_COLUMN);
      return author == null ? chat : chat.put(HistoryStore.AUTHOR, author);
    });
  }

  @Override
  public Future<Map<CidKey, JsonObject>> chatsByCid(Collection<CidKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<CidKey> all = new ArrayList<>(keys);
    List<Future<RowSet<Row>>> lookups = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CID_CHUNK) {
      List<CidKey> chunk = all.subList(from, Math.min(all.size(), from + CID_CHUNK));
      Tuple cids = Tuple.tuple();
      chunk.forEach(k -> cids.addString(k.cid()));
      lookups.add(pool.preparedQuery(Sql.chatsByCid(chunk.size())).execute(cids));
    }
    return Future.all(lookups).map(done -> {
      Map<CidKey, JsonObject> found = new HashMap<>();
      for (Future<RowSet<Row>> lookup : lookups) {
        for (Row row : lookup.result()) {
          CidKey key = new CidKey(row.getString(1), row.getString(5), row.getString(0));
          if (keys.contains(key)) {
            found.put(key, event(row, 1));
          }
        }
      }
      return found;
    });
  }

  @Override
  public Future<List<JsonObject>> messages(MessageQuery q) {
    Tuple params = Tuple.of(q.room(), q.lowerBound(), q.upperBound());
    String sql;
    if (q.search() != null) {
      params.addString(Sql.containsPattern(q.search().toLowerCase(Locale.ROOT)));
      sql = q.forwards() ? Sql.SEARCH_FORWARD : Sql.SEARCH_BACKWARD;
    } else {
      sql = q.forwards() ? Sql.MESSAGES_FORWARD : Sql.MESSAGES_BACKWARD;
    }
    params.addInteger(q.limit());
    return pool.preparedQuery(sql).execute(params).map(rows -> events(rows, 0, !q.forwards()));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private static List<JsonObject> events(RowSet<Row> rows, int offset, boolean reverse) {
    List<JsonObject> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(event(row, offset));
    }
    if (reverse) {
      Collections.reverse(out);
    }
    return out;
  }

  /** Decodes the columns of {@link Sql}'s select list, starting at {@code at}, by position. */
  private static JsonObject event(Row row, int at) {
    String room = row.getString(at);
    long seq = row.getLong(at + 1);
    String kind = row.getString(at + 2);
    String id = row.getString(at + 3);
    String username = row.getString(at + 4);
    String body = row.getString(at + 5);
    long ts = row.getLong(at + 6);
    String text = body == null ? "" : body;
    boolean guest = row.getBoolean(at + 9);
    return Events.byGuest(guest, switch (kind) {
      case Events.CHAT -> StoredEvents.withState(Events.chat(room, username, text, ts, seq, id),
          row.getBoolean(at + 7), row.getBoolean(at + 8));
      case Events.EDITED -> Events.edited(room, id, username, text, ts, seq);
      case Events.DELETED -> Events.deleted(room, id, username, ts, seq);
      default -> throw new IllegalStateException("unknown event kind '" + kind + "' at seq " + seq + " of room " + room);
    });
  }
}
