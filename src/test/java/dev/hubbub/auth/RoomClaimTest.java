package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Who may claim an unowned room: a newcomer only when it holds nobody else's messages, so nobody can make a
 * room others have been using members-only and lock them out; otherwise an admin assigns it.
 */
@ExtendWith(VertxExtension.class)
class RoomClaimTest {

  private TestHub hub;
  private WebClient web;
  private String alice;
  private String root;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("admins", "root")))
        .compose(h -> {
          hub = h;
          return Accounts.register(web, hub.port, "alice");
        })
        .compose(a -> {
          alice = a.getString("token");
          return Accounts.register(web, hub.port, "root");
        })
        .onComplete(ctx.succeeding(r -> {
          root = r.getString("token");
          ctx.completeNow();
        }));
  }

  private Future<HttpResponse<Buffer>> post(String room, String token, JsonObject body) {
    var request = web.post(hub.port, "127.0.0.1", "/api/rooms/" + room + "/messages");
    return (token == null ? request : request.putHeader("Authorization", Accounts.bearer(token))).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> setAccess(String room, String token, JsonObject body) {
    return web.put(hub.port, "127.0.0.1", "/api/rooms/" + room + "/access").putHeader("Authorization", Accounts.bearer(token))
        .sendJsonObject(body);
  }

  @Test
  void aNewcomerCannotClaimARoomHoldingOthersHistory(Vertx vertx, VertxTestContext ctx) {
    JsonObject lockOut = new JsonObject().put("private", true).put("members", new JsonArray());
    post("commons", null, new JsonObject().put("username", "visitor").put("text", "we have been here a while"))
        .compose(guest -> {
          assertEquals(201, guest.statusCode(), guest.bodyAsString());
          return setAccess("commons", alice, lockOut);
        })
        .compose(claim -> {
          assertEquals(403, claim.statusCode(), "a newcomer may not lock the room: " + claim.bodyAsString());
          // Posting there does not make her the creator either.
          return post("commons", alice, new JsonObject().put("text", "hello all"));
        })
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/api/rooms/commons/access").send();
        })
        .compose(access -> {
          assertFalse(access.bodyAsJsonObject().containsKey("creator"), "still unowned: " + access.bodyAsString());
          assertEquals(false, access.bodyAsJsonObject().getBoolean("private"));
          return setAccess("commons", alice, lockOut);
        })
        .compose(again -> {
          assertEquals(403, again.statusCode(), again.bodyAsString());
          return post("commons", null, new JsonObject().put("username", "visitor").put("text", "still in"));
        })
        .compose(guest -> {
          assertEquals(201, guest.statusCode(), "the guest is not locked out: " + guest.bodyAsString());
          // An admin assigns the room to whoever should own it.
          return setAccess("commons", root, new JsonObject().put("private", false).put("creator", "alice"));
        })
        .compose(assigned -> {
          assertEquals(200, assigned.statusCode(), assigned.bodyAsString());
          assertEquals("alice", assigned.bodyAsJsonObject().getString("creator"));
          return setAccess("commons", alice, new JsonObject().put("private", false).put("creator", "alice"));
        })
        .onComplete(ctx.succeeding(notAdmin -> ctx.verify(() -> {
          assertEquals(403, notAdmin.statusCode(), "only an admin assigns creators: " + notAdmin.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void aRoomWithOnlyOnesOwnHistoryIsStillClaimed(Vertx vertx, VertxTestContext ctx) {
    post("mine", alice, new JsonObject().put("text", "first"))
        .compose(first -> setAccess("mine", alice, new JsonObject().put("private", true).put("members", new JsonArray())))
        .onComplete(ctx.succeeding(claimed -> ctx.verify(() -> {
          assertEquals(200, claimed.statusCode(), claimed.bodyAsString());
          assertEquals("alice", claimed.bodyAsJsonObject().getString("creator"));
          ctx.completeNow();
        })));
  }
}
