package dev.hubbub.feed;

import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@link Presence} in this process, confined to its owner's event loop: plain maps, futures already complete. */
final class LocalPresence implements Presence {

  /** Room name → session id → username, in join order so rosters read the way people arrived. */
  private final Map<String, LinkedHashMap<String, String>> rooms = new TreeMap<>();
  /** Room name → confusable skeleton ({@link Names#skeleton}) → the session present under it. */
  private final Map<String, Map<String, String>> skeletons = new HashMap<>();
  /** Session id → whether it joined as a guest, so its {@code left} event says so too. */
  private final Map<String, Boolean> guests = new HashMap<>();
  /** Occupied rooms that are members-only, kept out of {@link #publicRooms}. */
  private final Set<String> membersOnly = new HashSet<>();

  @Override
  public Future<Joined> join(String room, String session, String username, boolean guest, boolean isPrivate) {
    LinkedHashMap<String, String> members = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
    boolean rejoin = username.equals(members.get(session));
    // Nobody may join under a name that looks like one present (Cyrillic а for a, and so on): present
    // names are unique by skeleton, so one lookup of the joiner's skeleton tells.
    Map<String, String> present = skeletons.computeIfAbsent(room, r -> new HashMap<>());
    String skeleton = Names.skeleton(username);
    if (!rejoin && present.containsKey(skeleton)) {
      if (members.isEmpty()) {
        rooms.remove(room);
        skeletons.remove(room);
      }
      return Future.failedFuture(new Failure.Rejected(Failure.CONFLICT, "username '" + username + "' is already taken in room '" + room + "'"));
    }
    if (isPrivate) {
      membersOnly.add(room);
    } else {
      membersOnly.remove(room);
    }
    String previous = members.put(session, username);
    if (previous != null) {
      present.remove(Names.skeleton(previous));
    }
    present.put(skeleton, session);
    Boolean previousGuest = guests.put(session, guest);
    return Future.succeededFuture(new Joined(List.copyOf(members.values()), !rejoin,
        rejoin ? null : previous, Boolean.TRUE.equals(previousGuest)));
  }

  @Override
  public Future<Left> leave(String room, String session) {
    LinkedHashMap<String, String> members = rooms.get(room);
    String username = members == null ? null : members.remove(session);
    if (username == null) {
      return Future.succeededFuture();
    }
    boolean guest = Boolean.TRUE.equals(guests.remove(session));
    skeletons.get(room).remove(Names.skeleton(username));
    if (members.isEmpty()) {
      rooms.remove(room);
      skeletons.remove(room);
      membersOnly.remove(room);
    }
    return Future.succeededFuture(new Left(username, guest));
  }

  @Override
  public Future<List<String>> members(String room) {
    LinkedHashMap<String, String> members = rooms.get(room);
    return Future.succeededFuture(members == null ? List.of() : List.copyOf(members.values()));
  }

  @Override
  public int size(String room) {
    LinkedHashMap<String, String> members = rooms.get(room);
    return members == null ? 0 : members.size();
  }

  @Override
  public void accessChanged(String room, boolean isPrivate) {
    if (rooms.containsKey(room) && isPrivate) {
      membersOnly.add(room);
    } else {
      membersOnly.remove(room);
    }
  }

  @Override
  public Future<List<JsonObject>> publicRooms() {
    List<JsonObject> list = new ArrayList<>();
    rooms.forEach((room, members) -> {
      if (!membersOnly.contains(room)) {
        list.add(new JsonObject().put("room", room).put("users", members.size()));
      }
    });
    return Future.succeededFuture(list);
  }
}
