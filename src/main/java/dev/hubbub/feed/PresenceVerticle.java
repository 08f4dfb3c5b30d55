package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.Names;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Owns who is in which room. Deployed as a single instance, so its maps are confined to one event loop
 * and need no locks; every roster change is published on the room's feed in the order it happened.
 *
 * <p>A member is a bridge session (one connection) under a username that is unique within the room.
 * Joining needs write access to the room ({@link RoomAccess}), and claims an unowned room for a registered
 * user. Members-only rooms are left out of the public room list.
 *
 * <p>{@code joined} and {@code left} are published for every change; the {@code roster} that follows is
 * coalesced per room during bursts ({@link RosterCoalescer}), so every member still ends with the true
 * roster without a full roster per change.
 */
public class PresenceVerticle extends VerticleBase {

  private static final LinkedHashMap<String, String> EMPTY = new LinkedHashMap<>();

  /** Room name → session id → username, in join order so rosters read the way people arrived. */
  private final Map<String, LinkedHashMap<String, String>> rooms = new TreeMap<>();
  /** Room name → confusable skeleton ({@link Names#skeleton}) → the session present under it. */
  private final Map<String, Map<String, String>> skeletons = new HashMap<>();
  /** Session id → whether it joined as a guest, so its {@code left} event says so too. */
  private final Map<String, Boolean> guests = new HashMap<>();
  /** Occupied rooms that are members-only, kept out of {@link Addresses#ROOMS}. */
  private final Set<String> membersOnly = new HashSet<>();
  private FeedPublisher feed;
  private RosterCoalescer rosters;

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    feed = new FeedPublisher(bus);
    rosters = new RosterCoalescer((delay, task) -> vertx.setTimer(delay, id -> task.run()),
        room -> rooms.getOrDefault(room, EMPTY).size(), this::publishRoster);
    return Future.all(
        // Cluster hook: on a clustered node these are node-private addresses; the node's router owns the public ones.
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.JOIN), msg -> handle(msg, this::join)).completion(),
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.LEAVE), msg -> handle(msg, this::leave)).completion(),
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.ROOMS), msg -> handle(msg, m -> m.reply(rooms()))).completion(),
        bus.<JsonObject>consumer(Cluster.serve(vertx, Addresses.ROSTER), msg -> handle(msg, this::roster)).completion(),
        bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> accessChanged(msg.body())).completion());
  }

  private void join(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    String username = who.requireName();
    String session = Rules.string(body, "session");
    RoomAccess.check(vertx.eventBus(), room, who, true)
        .compose(RoomAccess.Verdict::requireWrite)
        .onSuccess(verdict -> handle(msg, m -> admit(m, room, username, who.guest(), session, verdict.membersOnly())))
        .onFailure(e -> Failure.reply(msg, e));
  }

  private void admit(Message<JsonObject> msg, String room, String username, boolean guest, String session, boolean isPrivate) {
    if (isPrivate) {
      membersOnly.add(room);
    } else {
      membersOnly.remove(room);
    }
    LinkedHashMap<String, String> members = rooms.get(room);
    if (members == null) {
      members = new LinkedHashMap<>();
      rooms.put(room, members);
    }
    boolean rejoin = username.equals(members.get(session));
    // Nobody may join under a name that looks like one present (Cyrillic а for a, and so on): present
    // names are unique by skeleton, so one lookup of the joiner's skeleton tells.
    Map<String, String> present = skeletons.computeIfAbsent(room, r -> new HashMap<>());
    String skeleton = Names.skeleton(username);
    if (!rejoin && present.containsKey(skeleton)) {
      throw new Failure.Rejected(Failure.CONFLICT, "username '" + username + "' is already taken in room '" + room + "'");
    }
    String previous = members.put(session, username);
    if (previous != null) {
      present.remove(Names.skeleton(previous));
    }
    present.put(skeleton, session);
    Boolean previousGuest = guests.put(session, guest);
    // Reply before publishing: the joiner's bridge receives both in this order, so it writes welcome first.
    msg.reply(new JsonObject().put("room", room).put("username", username)
        .put("users", new JsonArray(members.values().stream().toList())));
    if (!rejoin) {
      if (previous != null) {
        publish(room, Events.byGuest(Boolean.TRUE.equals(previousGuest), Events.left(room, previous)));
      }
      publish(room, Events.byGuest(guest, Events.joined(room, username)));
      rosters.changed(room);
    }
  }

  private void leave(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    String session = Rules.string(body, "session");
    LinkedHashMap<String, String> members = rooms.get(room);
    String username = members == null ? null : members.remove(session);
    msg.reply(new JsonObject().put("left", username != null));
    if (username != null) {
      boolean guest = Boolean.TRUE.equals(guests.remove(session));
      publish(room, Events.byGuest(guest, Events.left(room, username)));
      Map<String, String> present = skeletons.get(room);
      present.remove(Names.skeleton(username));
      if (members.isEmpty()) {
        rooms.remove(room);
        skeletons.remove(room);
        membersOnly.remove(room);
      }
      rosters.changed(room);
    }
  }

  /** Who is in a room, for those who may read it. */
  private void roster(Message<JsonObject> msg) {
    String room = Rules.room(msg.body());
    RoomAccess.requireRead(vertx.eventBus(), room, Identity.of(msg.body()))
        .onSuccess(verdict -> {
          LinkedHashMap<String, String> members = rooms.get(room);
          msg.reply(new JsonObject().put("room", room)
              .put("users", new JsonArray(members == null ? List.of() : members.values().stream().toList())));
        })
        .onFailure(e -> Failure.reply(msg, e));
  }

  private void accessChanged(JsonObject policy) {
    String room = policy.getString("room");
    if (room != null && rooms.containsKey(room) && policy.getBoolean("private", false)) {
      membersOnly.add(room);
    } else if (room != null) {
      membersOnly.remove(room);
    }
  }

  private JsonObject rooms() {
    JsonArray list = new JsonArray();
    rooms.forEach((room, members) -> {
      if (!membersOnly.contains(room)) {
        list.add(new JsonObject().put("room", room).put("users", members.size()));
      }
    });
    return new JsonObject().put("rooms", list);
  }

  /** The room's roster as it is now; empty once everyone has left. */
  private void publishRoster(String room) {
    publish(room, Events.roster(room, rooms.getOrDefault(room, EMPTY).values()));
  }

  private void publish(String room, JsonObject event) {
    feed.publish(room, event);
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
