package dev.hubbub.feed;

import dev.hubbub.auth.AccessCache;
import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.protocol.Rules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
 */
public class PresenceVerticle extends VerticleBase {

  private final Presence presence = new LocalPresence();
  private FeedPublisher feed;
  private RosterCoalescer rosters;
  private AccessCache access;

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    RoomOwners owners = RoomOwners.of(vertx);
    feed = new FeedPublisher(bus);
    access = new AccessCache(bus, 10_000);
    rosters = new RosterCoalescer((delay, task) -> vertx.setTimer(delay, id -> task.run()), presence::size, this::publishRoster);
    return Future.all(
        // On a clustered node these are node-private: the node's router serves the public addresses.
        access.start(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.JOIN), msg -> handle(msg, this::join)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.LEAVE), msg -> handle(msg, this::leave)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.ROOMS), msg -> handle(msg, this::rooms)).completion(),
        bus.<JsonObject>consumer(owners.frontDoor(Addresses.ROSTER), msg -> handle(msg, this::roster)).completion(),
        bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> accessChanged(msg.body())).completion());
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
          if (joined.changed()) {
            if (joined.replaced() != null) {
              feed.publish(room, new RoomEvent.Left(room, joined.replaced(), joined.replacedGuest()));
            }
            feed.publish(room, new RoomEvent.Joined(room, username, who.guest()));
            rosters.changed(room);
          }
        })
        .onFailure(e -> Failure.reply(msg, e));
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

  /** Runs a command that replies itself; a validation failure becomes a failed reply. */
  private static void handle(Message<JsonObject> msg, Consumer<Message<JsonObject>> command) {
    try {
      command.accept(msg);
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
    }
  }
}
