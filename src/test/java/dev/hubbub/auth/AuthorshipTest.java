package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message belongs to the account that wrote it, not to its name: a name registered again after a deletion
 * can neither edit nor delete the old account's messages, on WebSocket, REST or the TCP bridge, while the author (before the
 * deletion) and a guest still edit their own.
 */
@ExtendWith(VertxExtension.class)
class AuthorshipTest {

  private static final String ROOM = "town";

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  private HttpRequest<Buffer> as(HttpRequest<Buffer> request, String token) {
    return token == null ? request : request.putHeader("Authorization", Accounts.bearer(token));
  }

  private Future<HttpResponse<Buffer>> post(String token, JsonObject body) {
    return as(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages"), token).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> edit(String token, String id, String text) {
    return as(web.patch(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages/" + id), token)
        .sendJsonObject(new JsonObject().put("text", text));
  }

  private Future<HttpResponse<Buffer>> delete(String token, String id) {
    return as(web.delete(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages/" + id), token).send();
  }

  /** The message {@code id} as the REST API reads it back. */
  private Future<JsonObject> stored(String id) {
    return web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages").send().map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject().getJsonArray("messages").stream().map(JsonObject.class::cast)
          .filter(m -> id.equals(m.getString("id"))).findFirst().orElseThrow(() -> new AssertionError("no message " + id));
    });
  }

  /** The frame answering the command sent with {@code cid}: an {@code ack} or an {@code error}. */
  private static Future<JsonObject> answerTo(WsTestClient ws, String cid) {
    return ws.next().compose(frame -> cid.equals(frame.getString("cid")) ? Future.succeededFuture(frame) : answerTo(ws, cid));
  }

  private static Future<JsonObject> wsCommand(WsTestClient ws, JsonObject frame) {
    ws.send(frame);
    return answerTo(ws, frame.getString("cid"));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aNameRegisteredAgainCannotEditOrDeleteTheOldAccountsMessages(Vertx vertx, VertxTestContext ctx) {
    String[] old = new String[1];
    String[] fresh = new String[1];
    String[] id = new String[1];
    String[] guestId = new String[1];
    WsTestClient[] ws = new WsTestClient[1];
    Accounts.register(web, hub.port, "alice")
        .compose(alice -> {
          old[0] = alice.getString("token");
          return post(old[0], new JsonObject().put("text", "first words"));
        })
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          id[0] = posted.bodyAsJsonObject().getString("id");
          return edit(old[0], id[0], "alice's words");
        })
        .compose(edited -> {
          assertEquals(200, edited.statusCode(), "the author edits her own message: " + edited.bodyAsString());
          return post(null, new JsonObject().put("username", "gus").put("text", "a guest's words"));
        })
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          guestId[0] = posted.bodyAsJsonObject().getString("id");
          return WsTestClient.live(vertx, hub.port, ROOM, "gus");
        })
        .compose(guest -> wsCommand(guest, new JsonObject().put("type", "edit").put("id", guestId[0])
            .put("text", "a guest's second thoughts").put("cid", "guest-edit")).eventually(guest::close))
        .compose(answer -> {
          assertEquals("ack", answer.getString("type"), "a guest edits their own message over WebSocket: " + answer.encode());
          return Accounts.delete(web, hub.port, old[0]);
        })
        .compose(deleted -> {
          assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
          return Accounts.register(web, hub.port, "alice");
        })
        .compose(again -> {
          fresh[0] = again.getString("token");
          return edit(fresh[0], id[0], "taken over");
        })
        .compose(edited -> {
          assertEquals(403, edited.statusCode(), "the new alice cannot edit over REST: " + edited.bodyAsString());
          return delete(fresh[0], id[0]);
        })
        .compose(deleted -> {
          assertEquals(403, deleted.statusCode(), "the new alice cannot delete over REST: " + deleted.bodyAsString());
          return WsTestClient.withToken(vertx, hub.port, fresh[0]);
        })
        .compose(client -> {
          ws[0] = client;
          return client.expect("authenticated").compose(v -> {
            client.send(new JsonObject().put("type", "join").put("room", ROOM));
            return client.skipTo("history");
          });
        })
        .compose(v -> wsCommand(ws[0], new JsonObject().put("type", "edit").put("id", id[0]).put("text", "taken over").put("cid", "e1")))
        .compose(answer -> {
          assertEquals("error", answer.getString("type"), "the new alice cannot edit over WebSocket: " + answer.encode());
          assertEquals("you can only edit your own messages", answer.getString("message"));
          return wsCommand(ws[0], new JsonObject().put("type", "delete").put("id", id[0]).put("cid", "d1"));
        })
        .compose(answer -> {
          assertEquals("error", answer.getString("type"), "the new alice cannot delete over WebSocket: " + answer.encode());
          assertEquals("you can only delete your own messages", answer.getString("message"));
          return BusTestClient.tcp(vertx, hub.tcpPort()).compose(bus -> {
            bus.request(Addresses.EDIT, new JsonObject().put("room", ROOM).put("id", id[0]).put("text", "taken over"),
                new JsonObject().put("authorization", Accounts.bearer(fresh[0])));
            return bus.next();
          });
        })
        .compose(err -> {
          assertEquals("err", err.getString("type"), "the new alice cannot edit over the TCP bridge: " + err.encode());
          assertEquals(403, err.getInteger("failureCode"), err.encode());
          return Future.all(stored(id[0]), stored(guestId[0]));
        })
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          JsonObject message = both.resultAt(0);
          assertEquals("alice's words", message.getString("text"), message.encode());
          assertTrue(message.getBoolean("edited", false));
          assertFalse(message.getBoolean("deleted", false), message.encode());
          assertFalse(message.containsKey("authorId"), "account ids are not published: " + message.encode());
          JsonObject guests = both.resultAt(1);
          assertEquals("a guest's second thoughts", guests.getString("text"), guests.encode());
          ctx.completeNow();
        })));
  }
}
