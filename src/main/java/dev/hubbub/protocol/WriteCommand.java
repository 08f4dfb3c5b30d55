package dev.hubbub.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A write the sequencer is asked for, as an immutable value: what a bridge sends in-process to the room's
 * owner shard, passed by reference on the node ({@link CommandCodec}) and as its JSON body (exactly the
 * {@link Addresses#CHAT}, {@link Addresses#EDIT}, {@link Addresses#DELETE} bodies) between nodes. Each
 * carries who acts ({@link Actor}) and the client's address ({@code clientAddress}, for the caps counted
 * per address; null when unknown), both set by the bridge only.
 *
 * <p>Made by {@code parse} from a JSON body, or by the records' {@code of} factories from values: both
 * check every rule ({@link Rules}) in the same order, and a refusal is a {@link Failure.Rejected} with the
 * code and message the core has always answered. The canonical constructors only insist that the fields a
 * command needs are there: they are for values already checked (a command decoded from another node's wire
 * form, which that node's bridge checked).
 */
public sealed interface WriteCommand {

  /** The body field of the client address. */
  String CLIENT_ADDRESS = "clientAddress";

  String room();

  Actor actor();

  /** The client's IP address, or null (a command from inside the hub, or a test). */
  String clientAddress();

  /** The public address of this kind of command: {@link Addresses#CHAT}, {@link Addresses#EDIT} or {@link Addresses#DELETE}. */
  String address();

  /** A fresh JSON object: the command's body as a JSON sender writes it. */
  JsonObject toJson();

  /** {@code {room, text, cid?}}: a chat message; a {@code cid} already used by the same author in the room stores nothing. */
  record Post(String room, String text, String cid, Actor actor, String clientAddress) implements WriteCommand {
    public Post {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(actor, "actor");
    }

    /** Checks {@code room}, the actor's name, {@code text} and {@code cid} (null: none), in that order. */
    public static Post of(String room, Actor actor, String text, String cid, String clientAddress, int maxTextChars) {
      String checkedRoom = Rules.room(room);
      Actor named = actor.named();
      return new Post(checkedRoom, Rules.text(required(text, "text"), maxTextChars), Rules.cidValue(cid), named, clientAddress);
    }

    @Override
    public String address() {
      return Addresses.CHAT;
    }

    @Override
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("room", room).put("text", text);
      if (cid != null) {
        json.put("cid", cid);
      }
      return withClientAddress(actor.into(json), clientAddress);
    }

    static Post fromWire(JsonObject json) {
      return new Post(json.getString("room"), json.getString("text"), json.getString("cid"), Actor.of(json), clientAddressOf(json));
    }
  }

  /** {@code {room, id, text}}: a new text for one's own message {@code id}. */
  record Edit(String room, String id, String text, Actor actor, String clientAddress) implements WriteCommand {
    public Edit {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(actor, "actor");
    }

    /** Checks {@code room}, the actor's name, {@code id} and {@code text}, in that order. */
    public static Edit of(String room, Actor actor, String id, String text, String clientAddress, int maxTextChars) {
      String checkedRoom = Rules.room(room);
      Actor named = actor.named();
      String checkedId = Rules.messageId(required(id, "id"));
      return new Edit(checkedRoom, checkedId, Rules.text(required(text, "text"), maxTextChars), named, clientAddress);
    }

    @Override
    public String address() {
      return Addresses.EDIT;
    }

    @Override
    public JsonObject toJson() {
      return withClientAddress(actor.into(new JsonObject().put("room", room).put("id", id).put("text", text)), clientAddress);
    }

    static Edit fromWire(JsonObject json) {
      return new Edit(json.getString("room"), json.getString("id"), json.getString("text"), Actor.of(json), clientAddressOf(json));
    }
  }

  /** {@code {room, id}}: removes message {@code id}, one's own (an admin: anyone's). */
  record Delete(String room, String id, Actor actor, String clientAddress) implements WriteCommand {
    public Delete {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(actor, "actor");
    }

    /** Checks {@code room}, the actor's name and {@code id}, in that order. */
    public static Delete of(String room, Actor actor, String id, String clientAddress) {
      String checkedRoom = Rules.room(room);
      Actor named = actor.named();
      return new Delete(checkedRoom, Rules.messageId(required(id, "id")), named, clientAddress);
    }

    @Override
    public String address() {
      return Addresses.DELETE;
    }

    @Override
    public JsonObject toJson() {
      return withClientAddress(actor.into(new JsonObject().put("room", room).put("id", id)), clientAddress);
    }

    static Delete fromWire(JsonObject json) {
      return new Delete(json.getString("room"), json.getString("id"), Actor.of(json), clientAddressOf(json));
    }
  }

  /**
   * The command a JSON {@code body} sent to {@code address} (CHAT, EDIT or DELETE) asks for, acting as the
   * identity fields the body carries (set by a bridge), checked as the core has always checked it: the room,
   * then who acts, then the command's own fields.
   *
   * @throws Failure.Rejected 400 for bad input (a body that is not a JSON object lacks every field)
   */
  static WriteCommand parse(String address, Object body, int maxTextChars) {
    JsonObject json = body instanceof JsonObject object ? object : new JsonObject();
    return parse(address, json, () -> {
      Actor actor = Actor.of(json);
      actor.requireName();
      return actor;
    }, clientAddressOf(json), maxTextChars);
  }

  /**
   * A client's JSON {@code body} for {@code address}, acting as {@code actor} (what its bridge verified):
   * only the command's own fields are read from the body ({@code room}, {@code text}, {@code id}, {@code cid}),
   * so whatever else a client put there, identity fields included, is ignored. Checked as {@link #parse(String, Object, int)}.
   */
  static WriteCommand parse(String address, JsonObject body, Actor actor, String clientAddress, int maxTextChars) {
    return parse(address, body, actor::named, clientAddress, maxTextChars);
  }

  private static WriteCommand parse(String address, JsonObject body, Supplier<Actor> actor, String clientAddress, int maxTextChars) {
    if (!Addresses.CHAT.equals(address) && !Addresses.EDIT.equals(address) && !Addresses.DELETE.equals(address)) {
      throw new IllegalArgumentException("not a write address: " + address);
    }
    String room = Rules.room(body);
    Actor who = actor.get();
    if (Addresses.CHAT.equals(address)) {
      return new Post(room, Rules.text(body, maxTextChars), Rules.optionalCid(body), who, clientAddress);
    }
    String id = Rules.messageId(body);
    return Addresses.EDIT.equals(address) ? new Edit(room, id, Rules.text(body, maxTextChars), who, clientAddress)
        : new Delete(room, id, who, clientAddress);
  }

  /** The room a command body names (typed, or a JSON body's {@code room} when it is a string), else null. */
  static String roomOf(Object body) {
    if (body instanceof WriteCommand command) {
      return command.room();
    }
    return body instanceof JsonObject json && json.getValue("room") instanceof String room ? room : null;
  }

  private static String clientAddressOf(JsonObject body) {
    return body.getValue(CLIENT_ADDRESS) instanceof String host && !host.isEmpty() ? host : null;
  }

  private static JsonObject withClientAddress(JsonObject json, String clientAddress) {
    return clientAddress == null ? json : json.put(CLIENT_ADDRESS, clientAddress);
  }

  private static String required(String value, String field) {
    if (value == null) {
      throw Failure.badRequest("missing field '" + field + "'");
    }
    return value;
  }
}
