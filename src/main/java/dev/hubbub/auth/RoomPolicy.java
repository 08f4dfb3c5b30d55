package dev.hubbub.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may read and write a room. A room nobody owns, or whose owner has not made it members-only, is open
 * to everyone; a members-only room is open to its creator, its members and admins, never to guests.
 *
 * @param creator the creator's current name; null while nobody owns the room, or once the creator's account is gone
 * @param owned   whether someone claimed the room; a room whose creator's account is gone stays owned, so
 *                nobody but an admin can take it over (the name registered again inherits nothing)
 */
public record RoomPolicy(String room, String creator, boolean owned, boolean membersOnly, Set<String> members) {

  public RoomPolicy {
    members = Set.copyOf(members);
  }

  public static RoomPolicy open(String room) {
    return new RoomPolicy(room, null, false, false, Set.of());
  }

  public boolean canRead(Identity who) {
    return !membersOnly || isMember(who);
  }

  /** Writing needs what reading needs; whether guests may write at all is decided with the hub's settings. */
  public boolean canWrite(Identity who) {
    return canRead(who);
  }

  /** The creator and admins may change who is let in. */
  public boolean canManage(Identity who) {
    return !who.guest() && (who.admin() || who.username() != null && who.username().equals(creator));
  }

  private boolean isMember(Identity who) {
    return !who.guest() && who.username() != null
        && (who.admin() || who.username().equals(creator) || members.contains(who.username()));
  }

  /** {@code {room, creator?, private, members}} as the access API shows it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("room", room).put("private", membersOnly)
        .put("members", new JsonArray(new ArrayList<>(new TreeSet<>(members))));
    if (creator != null) {
      json.put("creator", creator);
    }
    return json;
  }

  /** Reads {@link #toJson()} back, e.g. from an {@code Addresses.ACCESS_CHANGED} message. */
  public static RoomPolicy fromJson(JsonObject json) {
    Set<String> members = new TreeSet<>();
    json.getJsonArray("members", new JsonArray()).forEach(m -> members.add(String.valueOf(m)));
    String creator = json.getString("creator");
    return new RoomPolicy(json.getString("room"), creator, creator != null, json.getBoolean("private", false), members);
  }

  public List<String> memberList() {
    return List.copyOf(new TreeSet<>(members));
  }
}
