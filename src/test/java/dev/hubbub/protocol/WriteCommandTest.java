package dev.hubbub.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * JSON bodies and values into write commands: every refusal the core answered before (code and message),
 * in the order it checked them (room, who acts, then the command's own fields).
 */
class WriteCommandTest {

  private static final int MAX = 20;
  private static final Actor ANN = new Actor("ann", true, List.of(), null);

  private static JsonObject chat(String room, Object text) {
    return new JsonObject().put("room", room).put("text", text).put("username", "ann");
  }

  @Test
  void aChatBodyIsParsedWithItsIdentityAndAddress() {
    JsonObject body = chat("lobby", "hi").put("cid", "c-1").put("guest", false).put("roles", new JsonArray().add("admin").add(3))
        .put("account", "acc-1").put("clientAddress", "10.0.0.1").put("extra", "ignored");
    WriteCommand.Post post = (WriteCommand.Post) WriteCommand.parse(Addresses.CHAT, body, MAX);
    assertEquals(new WriteCommand.Post("lobby", "hi", "c-1", new Actor("ann", false, List.of("admin"), "acc-1"), "10.0.0.1"), post);
    // Without guest: false it is a guest's, whatever roles or account it claims; the name is normalised.
    WriteCommand guest = WriteCommand.parse(Addresses.CHAT, chat("lobby", "hi").put("username", "ａｎｎ").put("roles",
        new JsonArray().add("admin")).put("account", "acc-1"), MAX);
    assertEquals(ANN, guest.actor());
    assertNull(guest.clientAddress());
  }

  @Test
  void editAndDeleteBodiesAreParsed() {
    assertEquals(new WriteCommand.Edit("lobby", "m1", "new", ANN, null),
        WriteCommand.parse(Addresses.EDIT, chat("lobby", "new").put("id", "m1"), MAX));
    assertEquals(new WriteCommand.Delete("lobby", "m1", ANN, null),
        WriteCommand.parse(Addresses.DELETE, new JsonObject().put("room", "lobby").put("id", "m1").put("username", "ann").put("text", 5), MAX));
  }

  @Test
  void badBodiesAreRefusedAsTheCoreAlwaysRefusedThem() {
    String room = "room must be 1-64 characters of A-Z a-z 0-9 . _ -";
    refused("missing field 'room'", () -> WriteCommand.parse(Addresses.CHAT, new JsonObject(), MAX));
    refused("missing field 'room'", () -> WriteCommand.parse(Addresses.CHAT, "not an object", MAX));
    refused("field 'room' must be a string", () -> WriteCommand.parse(Addresses.CHAT, chat(null, "hi").put("room", 7), MAX));
    // The room first, whatever else is wrong.
    refused(room, () -> WriteCommand.parse(Addresses.CHAT, chat("bad room", 5).put("username", 7).put("cid", 7), MAX));
    refused(room, () -> WriteCommand.parse(Addresses.CHAT, new JsonObject().put("room", "bad room").put("text", 5), MAX));
    // Then who acts.
    refused("missing field 'username'", () -> WriteCommand.parse(Addresses.CHAT, new JsonObject().put("room", "r").put("text", 5), MAX));
    refused("field 'username' must be a string", () -> WriteCommand.parse(Addresses.CHAT, chat("r", "hi").put("username", 7), MAX));
    refused("username must be 1-32 printable characters without surrounding spaces",
        () -> WriteCommand.parse(Addresses.CHAT, chat("r", "hi").put("username", " ann"), MAX));
    // Then the command's own fields, text before cid, id before text.
    refused("missing field 'text'", () -> WriteCommand.parse(Addresses.CHAT, chat("r", null).put("cid", 7), MAX));
    refused("field 'text' must be a string", () -> WriteCommand.parse(Addresses.CHAT, chat("r", 5).put("cid", 7), MAX));
    refused("text must not be empty", () -> WriteCommand.parse(Addresses.CHAT, chat("r", "   ").put("cid", 7), MAX));
    refused("text must be at most 20 characters", () -> WriteCommand.parse(Addresses.CHAT, chat("r", "x".repeat(21)).put("cid", 7), MAX));
    refused("text must not contain control characters (other than tab and line breaks) or unpaired surrogates",
        () -> WriteCommand.parse(Addresses.CHAT, chat("r", "a\u0000b"), MAX));
    refused("cid must be a string of 1-64 characters", () -> WriteCommand.parse(Addresses.CHAT, chat("r", "hi").put("cid", 7), MAX));
    refused("cid must be a string of 1-64 characters", () -> WriteCommand.parse(Addresses.CHAT, chat("r", "hi").put("cid", ""), MAX));
    refused("missing field 'id'", () -> WriteCommand.parse(Addresses.EDIT, chat("r", 5), MAX));
    refused("id must be a message id of 1-64 characters", () -> WriteCommand.parse(Addresses.EDIT, chat("r", 5).put("id", ""), MAX));
    refused("field 'text' must be a string", () -> WriteCommand.parse(Addresses.EDIT, chat("r", 5).put("id", "m1"), MAX));
    refused("field 'id' must be a string", () -> WriteCommand.parse(Addresses.DELETE, chat("r", 5).put("id", 1), MAX));
  }

  @Test
  void aClientsBodyActsAsItsBridgeSaysNotAsItClaims() {
    JsonObject claims = chat("lobby", "hi").put("username", "mallory").put("guest", false).put("roles", new JsonArray().add("admin"))
        .put("account", "acc-9").put("clientAddress", "6.6.6.6");
    Actor verified = new Actor("ａｎｎ", false, List.of(), "acc-1");
    WriteCommand post = WriteCommand.parse(Addresses.CHAT, claims, verified, "10.0.0.1", MAX);
    assertEquals(new WriteCommand.Post("lobby", "hi", null, new Actor("ann", false, List.of(), "acc-1"), "10.0.0.1"), post);
    refused("missing field 'username'", () -> WriteCommand.parse(Addresses.CHAT, claims, new Actor(null, true, List.of(), null), null, MAX));
    refused("room must be 1-64 characters of A-Z a-z 0-9 . _ -",
        () -> WriteCommand.parse(Addresses.CHAT, claims.copy().put("room", "bad room"), new Actor(null, true, List.of(), null), null, MAX));
  }

  @Test
  void valuesAreCheckedByTheSameRulesInTheSameOrder() {
    assertEquals(WriteCommand.parse(Addresses.CHAT, chat("r", "hi").put("cid", "c"), MAX),
        WriteCommand.Post.of("r", ANN, "hi", "c", null, MAX));
    assertEquals(new WriteCommand.Post("r", "hi", null, ANN, null), WriteCommand.Post.of("r", new Actor("ａｎｎ", true, List.of(), null),
        "hi", null, null, MAX));
    Actor nobody = new Actor(null, true, List.of(), null);
    refused("room must be 1-64 characters of A-Z a-z 0-9 . _ -", () -> WriteCommand.Post.of("bad room", nobody, " ", "", null, MAX));
    refused("missing field 'username'", () -> WriteCommand.Post.of("r", nobody, " ", "", null, MAX));
    refused("text must not be empty", () -> WriteCommand.Post.of("r", ANN, " ", "", null, MAX));
    refused("missing field 'text'", () -> WriteCommand.Post.of("r", ANN, null, null, null, MAX));
    refused("cid must be a string of 1-64 characters", () -> WriteCommand.Post.of("r", ANN, "hi", "", null, MAX));
    refused("id must be a message id of 1-64 characters", () -> WriteCommand.Edit.of("r", ANN, "", " ", null, MAX));
    refused("text must be at most 20 characters", () -> WriteCommand.Edit.of("r", ANN, "m1", "x".repeat(21), null, MAX));
    refused("missing field 'username'", () -> WriteCommand.Delete.of("r", nobody, "", null));
    refused("id must be a message id of 1-64 characters", () -> WriteCommand.Delete.of("r", ANN, "", null));
  }

  @Test
  void theRoomOfABodyTypedOrJson() {
    assertEquals("r", WriteCommand.roomOf(new WriteCommand.Delete("r", "m1", ANN, null)));
    assertEquals("r", WriteCommand.roomOf(new JsonObject().put("room", "r")));
    assertNull(WriteCommand.roomOf(new JsonObject().put("room", 7)));
    assertNull(WriteCommand.roomOf("text"));
    assertNull(WriteCommand.roomOf(null));
  }

  private static void refused(String message, Executable parse) {
    Failure.Rejected e = assertThrows(Failure.Rejected.class, parse);
    assertEquals(Failure.BAD_REQUEST, e.code);
    assertEquals(message, e.getMessage());
  }
}
