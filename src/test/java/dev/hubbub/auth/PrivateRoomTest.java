package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.Forms;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A members-only room: its creator (the first registered user in it) or an admin decides who is let in;
 * everyone else can neither read it (WebSocket replay, SSE, history, search, page) nor post to it.
 */
@ExtendWith(VertxExtension.class)
class PrivateRoomTest {

  private static final String ROOM = "secret";

  private TestHub hub;
  private WebClient web;
  private HttpClient http;
  private final Map<String, String> tokens = new HashMap<>();
  private WsTestClient alice;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    http = vertx.createHttpClient();
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("admins", "root")))
        .compose(h -> {
          hub = h;
          Future<Void> all = Future.succeededFuture();
          for (String name : List.of("alice", "bob", "carol", "root")) {
            all = all.compose(v -> Accounts.register(web, hub.port, name).map(u -> {
              tokens.put(name, u.getString("token"));
              return null;
            }));
          }
          return all;
        })
        // alice is the first registered user in the room: it becomes hers.
        .compose(v -> WsTestClient.withToken(vertx, hub.port, tokens.get("alice")))
        .compose(ws -> {
          alice = ws;
          ws.send(new JsonObject().put("type", "join").put("room", ROOM));
          return ws.skipTo("history");
        })
        .compose(v -> setAccess("alice", true, "bob"))
        .onComplete(ctx.succeeding(set -> ctx.verify(() -> {
          assertEquals(200, set.statusCode(), set.bodyAsString());
          assertEquals(new JsonObject().put("room", ROOM).put("private", true).put("members", new JsonArray().add("bob")).put("creator", "alice"),
              set.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  private Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> setAccess(String who, boolean isPrivate, String... members) {
    HttpRequest<io.vertx.core.buffer.Buffer> put = web.put(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/access");
    if (who != null) {
      put.putHeader("Authorization", Accounts.bearer(tokens.get(who)));
    }
    return put.sendJsonObject(new JsonObject().put("private", isPrivate).put("members", new JsonArray(List.of((Object[]) members))));
  }

  private <T> HttpRequest<T> as(HttpRequest<T> request, String who) {
    return who == null ? request : request.putHeader("Authorization", Accounts.bearer(tokens.get(who)));
  }

  @Test
  void onlyTheCreatorOrAnAdminChangesWhoIsLetIn(Vertx vertx, VertxTestContext ctx) {
    setAccess("carol", false)
        .compose(carol -> {
          assertEquals(403, carol.statusCode(), carol.bodyAsString());
          return setAccess(null, false);
        })
        .compose(guest -> {
          assertEquals(401, guest.statusCode(), guest.bodyAsString());
          return setAccess("root", true, "bob", "carol");
        })
        .onComplete(ctx.succeeding(admin -> ctx.verify(() -> {
          assertEquals(200, admin.statusCode(), admin.bodyAsString());
          assertEquals(new JsonArray().add("bob").add("carol"), admin.bodyAsJsonObject().getJsonArray("members"));
          assertEquals("alice", admin.bodyAsJsonObject().getString("creator"));
          ctx.completeNow();
        })));
  }

  @Test
  void nonMembersAndGuestsCanNeitherReadNorPostAnywhere(Vertx vertx, VertxTestContext ctx) {
    alice.send(new JsonObject().put("type", "chat").put("text", "for members only"));
    Future<Void> checks = alice.skipTo("chat").mapEmpty();
    for (String outsider : new String[] {"carol", null}) {
      String name = outsider == null ? "a guest" : outsider;
      checks = checks
          .compose(v -> as(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages"), outsider).send())
          .compose(history -> {
            assertEquals(403, history.statusCode(), name + " history: " + history.bodyAsString());
            assertFalse(history.bodyAsString().contains("for members only"));
            return as(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages?q=members"), outsider).send();
          })
          .compose(search -> {
            assertEquals(403, search.statusCode(), name + " search");
            return as(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages"), outsider)
                .sendJsonObject(new JsonObject().put("text", "let me in").put("username", outsider == null ? "gate-crasher" : null));
          })
          .compose(post -> {
            assertEquals(403, post.statusCode(), name + " post: " + post.bodyAsString());
            return as(web.get(hub.port, "127.0.0.1", "/rooms/" + ROOM), outsider).send();
          })
          .compose(page -> {
            assertEquals(403, page.statusCode(), name + " page");
            assertFalse(page.bodyAsString().contains("for members only"));
            return as(web.get(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/access"), outsider).send();
          })
          .compose(access -> {
            assertEquals(403, access.statusCode(), name + " access list");
            RequestOptions sse = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(hub.port)
                .setURI("/rooms/" + ROOM + "/events").putHeader("Accept", "text/event-stream");
            if (outsider != null) {
              sse.putHeader("Authorization", Accounts.bearer(tokens.get(outsider)));
            }
            return http.request(sse).compose(req -> req.send());
          })
          .compose(sse -> {
            assertEquals(403, sse.statusCode(), name + " event stream");
            String cookie = outsider == null ? null : Accounts.LOGIN_COOKIE + "=" + tokens.get(outsider);
            return Forms.post(web, hub.port, "/dashboard", "/rooms/" + ROOM + "/messages",
                MultiMap.caseInsensitiveMultiMap().add("username", outsider == null ? "gate-crasher" : outsider).add("text", "form post"), cookie, true);
          })
          .compose(form -> {
            assertEquals(403, form.statusCode(), name + " form: " + form.bodyAsString());
            Future<WsTestClient> ws = outsider == null ? WsTestClient.connect(vertx, hub.port) : WsTestClient.withToken(vertx, hub.port, tokens.get(outsider));
            return ws.compose(c -> {
              c.send(new JsonObject().put("type", "join").put("room", ROOM).put("username", outsider == null ? "gate-crasher" : outsider));
              c.send(new JsonObject().put("type", "chat").put("text", "over the wall"));
              return (outsider == null ? c.expect("error") : c.expect("authenticated").compose(a -> c.expect("error")))
                  .compose(joinRefused -> {
                    assertTrue(joinRefused.getString("message").contains("members-only"), joinRefused.encode());
                    return c.expect("error");
                  });
            });
          })
          .map(chatRefused -> {
            assertTrue(chatRefused.getString("message").contains("join a room"), chatRefused.encode());
            return null;
          });
    }
    checks
        .compose(v -> web.get(hub.port, "127.0.0.1", "/api/rooms").send())
        .compose(rooms -> {
          assertFalse(rooms.bodyAsString().contains(ROOM), "a members-only room is not listed: " + rooms.bodyAsString());
          // Nothing the outsiders tried reached the room: alice's next chat frame is bob's.
          return WsTestClient.withToken(vertx, hub.port, tokens.get("bob"));
        })
        .compose(bob -> {
          bob.send(new JsonObject().put("type", "join").put("room", ROOM));
          return bob.skipTo("history").compose(history -> {
            assertEquals(1, history.getJsonArray("messages").size());
            bob.send(new JsonObject().put("type", "chat").put("text", "a member speaks"));
            return alice.skipTo("chat");
          });
        })
        .onComplete(ctx.succeeding(chat -> ctx.verify(() -> {
          assertEquals("bob", chat.getString("username"));
          assertEquals(2L, chat.getLong("seq"));
          ctx.completeNow();
        })));
  }

  @Test
  void membersReadEverywhereAndAnAdminMayDeleteAnyMessage(Vertx vertx, VertxTestContext ctx) {
    String[] id = new String[1];
    as(web.post(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages"), "bob").sendJsonObject(new JsonObject().put("text", "bob was here"))
        .compose(posted -> {
          assertEquals(201, posted.statusCode(), posted.bodyAsString());
          id[0] = posted.bodyAsJsonObject().getString("id");
          return SseTestClient.connect(vertx, hub.port, "/rooms/" + ROOM + "/events?format=json",
              MultiMap.caseInsensitiveMultiMap().add("Authorization", Accounts.bearer(tokens.get("bob"))));
        })
        .compose(stream -> stream.skipTo("chat"))
        .compose(chat -> {
          assertEquals("bob was here", chat.json().getString("text"));
          return as(web.delete(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages/" + id[0]), "alice").send();
        })
        .compose(creatorIsNotAdmin -> {
          assertEquals(403, creatorIsNotAdmin.statusCode(), "the creator may not delete others' messages");
          return as(web.delete(hub.port, "127.0.0.1", "/api/rooms/" + ROOM + "/messages/" + id[0]), "root").send();
        })
        .compose(admin -> {
          assertEquals(200, admin.statusCode(), admin.bodyAsString());
          return alice.skipTo("deleted");
        })
        .onComplete(ctx.succeeding(deleted -> ctx.verify(() -> {
          assertEquals(id[0], deleted.getString("id"));
          ctx.completeNow();
        })));
  }

  @Test
  void readersWhoLoseAccessAreTakenOut(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] bob = new WsTestClient[1];
    SseTestClient[] stream = new SseTestClient[1];
    WsTestClient.withToken(vertx, hub.port, tokens.get("bob"))
        .compose(ws -> {
          bob[0] = ws;
          ws.send(new JsonObject().put("type", "join").put("room", ROOM));
          return ws.skipTo("history");
        })
        .compose(v -> SseTestClient.connect(vertx, hub.port, "/rooms/" + ROOM + "/events?format=json",
            MultiMap.caseInsensitiveMultiMap().add("Authorization", Accounts.bearer(tokens.get("bob")))))
        .compose(s -> {
          stream[0] = s;
          return s.expect("roster");
        })
        .compose(v -> setAccess("alice", true))
        .compose(removed -> {
          assertEquals(200, removed.statusCode());
          return bob[0].skipTo("error");
        })
        .compose(error -> {
          assertTrue(error.getString("message").contains("members-only"), error.encode());
          return stream[0].skipTo("error");
        })
        .compose(error -> stream[0].ended())
        .onComplete(ctx.succeedingThenComplete());
  }
}
