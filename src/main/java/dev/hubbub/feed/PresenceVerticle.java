package dev.hubbub.feed;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Owns who is in which room. Deployed as a single instance, so its maps are confined to one event loop
 * and need no locks; every roster change is published on the room's feed in the order it happened.
 *
 * <p>A member is a bridge session (one connection) under a username that is unique within the room.
 */
public class PresenceVerticle extends VerticleBase {

  /** Room name → session id → username, in join order so rosters read the way people arrived. */
  private final Map<String, LinkedHashMap<String, String>> rooms = new TreeMap<>();

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.JOIN, msg -> handle(msg, this::join)).completion(),
        bus.<JsonObject>consumer(Addresses.LEAVE, msg -> handle(msg, this::leave)).completion(),
        bus.<JsonObject>consumer(Addresses.ROOMS, msg -> handle(msg, m -> m.reply(rooms()))).completion(),
        bus.<JsonObject>consumer(Addresses.ROSTER, msg -> handle(msg, this::roster)).completion());
  }

  private void join(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String room = Rules.room(body);
    String username = Rules.username(body);
    String session = Rules.string(body, "session");
    LinkedHashMap<String, String> members = rooms.get(room);
    if (members == null) {
      members = new LinkedHashMap<>();
      rooms.put(room, members);
    }
    boolean rejoin = username.equals(members.get(session));
    if (!rejoin && members.containsValue(username)) {
      throw new Failure.Rejected(Failure.CONFLICT, "username '" + username + "' is already taken in room '" + room + "'");
    }
    String previous = members.put(session, username);
    // Reply before publishing: the joiner's bridge receives both in this order, so it writes welcome first.
    msg.reply(new JsonObject().put("room", room).put("username", username)
        .put("users", new JsonArray(members.values().stream().toList())));
    if (!rejoin) {
      if (previous != null) {
        publish(room, Events.left(room, previous));
      }
      publish(room, Events.joined(room, username));
      publish(room, Events.roster(room, members.values()));
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
      publish(room, Events.left(room, username));
      publish(room, Events.roster(room, members.values()));
      if (members.isEmpty()) {
        rooms.remove(room);
      }
    }
  }

  private void roster(Message<JsonObject> msg) {
    String room = Rules.room(msg.body());
    LinkedHashMap<String, String> members = rooms.get(room);
    msg.reply(new JsonObject().put("room", room)
        .put("users", new JsonArray(members == null ? List.of() : members.values().stream().toList())));
  }

  private JsonObject rooms() {
    JsonArray list = new JsonArray();
    rooms.forEach((room, members) -> list.add(new JsonObject().put("room", room).put("users", members.size())));
    return new JsonObject().put("rooms", list);
  }

  private void publish(String room, JsonObject event) {
    vertx.eventBus().publish(Addresses.roomFeed(room), event);
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
