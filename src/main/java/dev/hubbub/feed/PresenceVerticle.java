package dev.hubbub.feed;

import dev.hubbub.auth.AccessCache;
import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.protocol.Rules;
import dev.hubbub.store.HistoryStore;
import dev.hubbub.store.HistoryStores;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.function.Consumer;

/**
 * Serves who is in which room over the bus ({@link Addresses#JOIN}, {@link Addresses#LEAVE},
 * {@link Addresses#ROSTER}, {@link Addresses#ROOMS}) on a {@link Presence} (the local one here; a clustered
 * one later). Deployed as a single instance, so the local presence is confined to one event loop and
 * every roster change is published on the room's feed in the order it happened.
 *
 * <p>Joining needs write access to the room ({@link RoomAccess}, through a cache invalidated on access
 * changes), and claims an unowned room for a registered user. Members-only rooms are left out of the
 * public room list. {@code joined} and {@code left} are published for every change; the {@code roster}
 * that follows is coalesced per room during bursts ({@link RosterCoalescer}), so every member still ends
 * with the true roster without a full roster per change.
 *
 * <p><b>Subscribing</b> ({@link Addresses#SUBSCRIBE}) is served here, because presence owns joins and
 * rosters and must send the reply itself: it publishes a join's {@code joined} right after its reply, so
 * the joiner's bridge, subscribed to the feed before it asked, sees its welcome before any presence event
 * that follows it and drops those that came before. So one subscribe is: the access verdict from this
 * verticle's {@link AccessCache} (decided once, write for a join, read for a watcher); then the history
 * page, read on this event loop from presence's own reader of the database (its latest reads kept as the
 * shards keep theirs, {@link dev.hubbub.store.LatestReads}), or, for the memory store, which only the room's
 * owner shard holds, by that shard ({@link HistoryQueries#READ}: a typed request and page, no copy, no
 * second access check); then, on this event loop and with nothing in between, the join
 * (or the roster for a watcher), the reply, and the presence events. The history is read before the join
 * because that read is the only wait: the join, its reply and its {@code joined} stay one step, in the
 * order of every other roster change. A refusal (access, a bad field, a name taken) joins nothing; a
 * history that cannot be read is said in the reply, and the join stands, as a join then a failed history did.
 */
public class PresenceVerticle extends VerticleBase {

  private final Presence presence = new LocalPresence();
  private FeedPublisher feed;
  private RosterCoalescer rosters;
  private AccessCache access;
  private RoomOwners owners;
  /** The database the hub opened, or null (the memory store, or a test): history is then read by the owner shard. */
  private final Pool pool;
  /** History read here, on the database; null when the owner shard reads it. */
  private HistoryQueries history;

  /** Presence reading history from the owner shards (the memory store). */
  public PresenceVerticle() {
    this(null);
  }

  /**
   * Presence reading subscribers' history from {@code pool} itself: in a join storm every shard's event
   * loop is busy fanning the joins out, and a read sent there would wait behind that for each joiner.
   */
  public PresenceVerticle(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    owners = RoomOwners.of(vertx);
    LocalCodec.register(bus);
    feed = new FeedPublisher(bus);
    access = new AccessCache(bus, 10_000);
    rosters = new RosterCoalescer((delay, task) -> vertx.setTimer(delay, id -> task.run()), presence::size, this::publishRoster);
    HubConfig config = HubConfig.from(config());
    Future<Void> reading = Future.succeededFuture();
    if (pool != null && !config.db().inMemory()) {
      HistoryStore store = HistoryStores.on(vertx, pool, config);
      history = new HistoryQueries(bus, store, config.history(), access);
      reading = HistoryQueries.forgetStored(bus, store);
    }
    return Future.all(List.of(
        reading,
        // On a clustered node these are node-private: the node's router serves the public addresses.
        access.start(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.JOIN), msg -> handle(msg, this::join)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.SUBSCRIBE), msg -> handle(msg, this::subscribe)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.LEAVE), msg -> handle(msg, this::leave)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.ROOMS), msg -> handle(msg, this::rooms)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.ROSTER), msg -> handle(msg, this::roster)).completion(),
        bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> accessChanged(msg.body())).completion()));
  }

  private void join(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    String username = who.requireName();
    String session = Rules.string(body, "session");
    access.check(room, who, true)
        .compose(RoomAccess.Verdict::requireWrite)
        .compose(verdict -> presence.join(room, session, username, who.guest(), verdict.membersOnly()))
        .onSuccess(joined -> {
          // Reply before publishing: the joiner's bridge receives both in this order, so it writes welcome first.
          msg.reply(new JsonObject().put("room", room).put("username", username).put("users", new JsonArray(joined.users())));
          announce(room, username, who.guest(), joined);
        })
        .onFailure(e -> Failure.reply(msg, e));
  }

  /** {@link Addresses#SUBSCRIBE}: access, history, then the join (or the roster) and the reply in one step; see the class comment. */
  private void subscribe(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    boolean join = flag(body, "join");
    String username = join ? who.requireName() : null;
    String session = join ? Rules.string(body, "session") : null;
    HistoryQueries.Read read = HistoryQueries.Read.of(room, body);
    Future<RoomAccess.Verdict> verdict = join
        ? access.check(room, who, true).compose(RoomAccess.Verdict::requireWrite)
        : access.requireRead(room, who);
    verdict.compose(granted -> history(read).transform(page -> {
          JsonObject reply = new JsonObject().put("room", room).put("read", granted.read()).put("write", granted.write())
              .put("private", granted.membersOnly());
          put(reply, page);
          if (!join) {
            return presence.members(room).map(users -> reply.put("users", new JsonArray(users)));
          }
          return presence.join(room, session, username, who.guest(), granted.membersOnly()).map(joined -> {
            // Reply before publishing, as a plain join does.
            msg.reply(reply.put("username", username).put("users", new JsonArray(joined.users())));
            announce(room, username, who.guest(), joined);
            return null;
          });
        }))
        .onSuccess(reply -> {
          if (reply != null) {
            msg.reply(reply);
          }
        })
        .onFailure(e -> Failure.reply(msg, e));
  }

  /** The history page {@code read} asks for, from the room's owner shard (or any shard for a room owned elsewhere). */
  private Future<HistoryQueries.Page> history(HistoryQueries.Read read) {
    if (history != null) {
      return history.page(read);
    }
    return vertx.eventBus().<HistoryQueries.Page>request(owners.address(read.room(), HistoryQueries.READ), read, LocalCodec.options())
        .map(Message::body);
  }

  /** The page's fields on {@code reply}, or {@code historyError} when it could not be read. */
  private static void put(JsonObject reply, AsyncResult<HistoryQueries.Page> page) {
    if (page.succeeded()) {
      page.result().into(reply);
    } else {
      reply.put("historyError", new JsonObject().put("code", Failure.codeOf(page.cause())).put("message", Failure.messageOf(page.cause())));
    }
  }

  /** Publishes what a join changed: the name it replaced leaving, the joiner, then (coalesced) the roster. */
  private void announce(String room, String username, boolean guest, Presence.Joined joined) {
    if (joined.changed()) {
      if (joined.replaced() != null) {
        feed.publish(room, new RoomEvent.Left(room, joined.replaced(), joined.replacedGuest()));
      }
      feed.publish(room, new RoomEvent.Joined(room, username, guest));
      rosters.changed(room);
    }
  }

  private void leave(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    String session = Rules.string(body, "session");
    presence.leave(room, session).onSuccess(left -> {
      msg.reply(new JsonObject().put("left", left != null));
      if (left != null) {
        feed.publish(room, new RoomEvent.Left(room, left.username(), left.guest()));
        rosters.changed(room);
      }
    }).onFailure(e -> Failure.reply(msg, e));
  }

  /** Who is in a room, for those who may read it. */
  private void roster(Message<JsonObject> msg) {
    String room = Rules.room(msg.body());
    access.requireRead(room, Identity.of(msg.body()))
        .compose(verdict -> presence.members(room))
        .onSuccess(users -> msg.reply(new JsonObject().put("room", room).put("users", new JsonArray(users))))
        .onFailure(e -> Failure.reply(msg, e));
  }

  private void rooms(Message<JsonObject> msg) {
    presence.publicRooms().onSuccess(list -> msg.reply(new JsonObject().put("rooms", new JsonArray(list))))
        .onFailure(e -> Failure.reply(msg, e));
  }

  private void accessChanged(JsonObject policy) {
    String room = policy.getString("room");
    if (room != null) {
      presence.accessChanged(room, policy.getBoolean("private", false));
    }
  }

  /** The room's roster as it is now; empty once everyone has left. */
  private void publishRoster(String room) {
    presence.members(room).onSuccess(users -> feed.publish(room, new RoomEvent.Roster(room, users)));
  }

  /** An optional boolean field, false when absent; anything but a boolean is a 400. */
  private static boolean flag(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    throw Failure.badRequest("field '" + field + "' must be true or false");
  }

  /** Runs a command that replies itself; a validation failure becomes a failed reply. */
  private static void handle(Message<JsonObject> msg, Consumer<Message<JsonObject>> command) {
    try {
      command.accept(msg);
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }
}
