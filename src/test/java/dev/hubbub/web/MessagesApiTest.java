package dev.hubbub.web;

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

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/rooms/{room}/messages}: publishing, paging, search, edit and delete over HTTP. */
@ExtendWith(VertxExtension.class)
class MessagesApiTest {

  private TestHub hub;
  private WebClient http;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    http = WebClient.create(vertx);
    TestHub.start(vertx).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return http.get(hub.port, "127.0.0.1", uri).send();
  }

  private Future<HttpResponse<Buffer>> post(String room, JsonObject body) {
    return http.post(hub.port, "127.0.0.1", "/api/rooms/" + room + "/messages").sendJsonObject(body);
  }

  private static JsonObject message(String username, String text) {
    return new JsonObject().put("username", username).put("text", text);
  }

  /** Posts texts one after another, so their seqs are 1..n in order. */
  private Future<Void> postAll(String room, List<String> texts) {
    Future<Void> chain = Future.succeededFuture();
    for (String text : texts) {
      chain = chain.compose(v -> post(room, message("ann", text)).map(r -> {
        assertEquals(201, r.statusCode(), r.bodyAsString());
        return null;
      }));
    }
    return chain;
  }

  private static List<Long> seqs(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
  }

  private static List<String> texts(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).toList();
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status, String message) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
    assertEquals(new JsonObject().put("error", message), response.bodyAsJsonObject());
  }

  @Test
  void aPostedMessageIsCreatedOnceCommittedAndRetriesByCidAreNotStoredTwice(VertxTestContext ctx) {
    JsonObject[] created = new JsonObject[1];
    post("posts", message("ann", "hello over http").put("cid", "p1"))
        .compose(r -> {
          assertEquals(201, r.statusCode());
          created[0] = r.bodyAsJsonObject();
          assertEquals(1L, created[0].getLong("seq"));
          assertEquals(created[0].fieldNames(), java.util.Set.of("id", "seq"));
          return post("posts", message("ann", "hello over http").put("cid", "p1"));
        })
        .compose(r -> {
          assertEquals(200, r.statusCode(), "a retry is answered, not created");
          assertEquals(created[0], r.bodyAsJsonObject());
          return post("posts", message("bob", "same cid, other user").put("cid", "p1"));
        })
        .compose(r -> {
          assertEquals(201, r.statusCode());
          assertEquals(2L, r.bodyAsJsonObject().getLong("seq"));
          return get("/api/rooms/posts/messages");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(List.of("hello over http", "same cid, other user"), texts(r));
          JsonObject first = r.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
          assertEquals(created[0].getString("id"), first.getString("id"));
          assertEquals("ann", first.getString("username"));
          ctx.completeNow();
        })));
  }

  @Test
  void messagesPageByAfterAndBeforeInSeqOrder(VertxTestContext ctx) {
    List<String> texts = IntStream.rangeClosed(1, 12).mapToObj(i -> "m" + i).toList();
    postAll("pages", texts)
        .compose(v -> get("/api/rooms/pages/messages?limit=5"))
        .compose(r -> {
          assertEquals(List.of(8L, 9L, 10L, 11L, 12L), seqs(r), "the latest page, oldest first");
          assertEquals(true, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/pages/messages?limit=5&before=8");
        })
        .compose(r -> {
          assertEquals(List.of(3L, 4L, 5L, 6L, 7L), seqs(r));
          return get("/api/rooms/pages/messages?limit=5&before=3");
        })
        .compose(r -> {
          assertEquals(List.of(1L, 2L), seqs(r));
          assertEquals(false, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/pages/messages?after=10");
        })
        .compose(r -> {
          assertEquals(List.of(11L, 12L), seqs(r));
          assertEquals(false, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/pages/messages?after=2&before=6&limit=200");
        })
        .compose(r -> {
          assertEquals(List.of(3L, 4L, 5L), seqs(r));
          return get("/api/rooms/pages/messages?after=0&limit=1");
        })
        .compose(r -> {
          assertEquals(List.of(1L), seqs(r));
          assertEquals(true, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/nobody-here/messages");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertEquals(new JsonObject().put("room", "nobody-here").put("messages", new JsonArray()).put("more", false),
              r.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  void aPageHoldsAtMost200(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 205; i++) {
      posts.add(post("big", message("ann", "n" + i)));
    }
    Future.all(posts)
        .compose(v -> get("/api/rooms/big/messages?limit=200&after=0"))
        .compose(r -> {
          assertEquals(200, seqs(r).size());
          assertEquals(1L, seqs(r).get(0));
          assertEquals(true, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/big/messages?limit=201");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertJsonError(r, 400, "limit must be a whole number from 1 to 200");
          ctx.completeNow();
        })));
  }

  @Test
  void badParametersAreA400WithAJsonError(VertxTestContext ctx) {
    get("/api/rooms/x/messages?limit=0")
        .compose(r -> {
          assertJsonError(r, 400, "limit must be a whole number from 1 to 200");
          return get("/api/rooms/x/messages?after=-1");
        })
        .compose(r -> {
          assertJsonError(r, 400, "after must be a whole number, 0 or more");
          return get("/api/rooms/x/messages?before=abc");
        })
        .compose(r -> {
          assertJsonError(r, 400, "before must be a whole number, 0 or more");
          return get("/api/rooms/x/messages?limit=99999999999999999999");
        })
        .compose(r -> {
          assertJsonError(r, 400, "limit must be a whole number, 0 or more");
          return get("/api/rooms/x/messages?q=");
        })
        .compose(r -> {
          assertJsonError(r, 400, "q must be a search text of 1-200 characters");
          return get("/api/rooms/x/messages?q=" + "a".repeat(201));
        })
        .compose(r -> {
          assertJsonError(r, 400, "q must be a search text of 1-200 characters");
          return get("/api/rooms/bad%20room/messages");
        })
        .compose(r -> {
          assertJsonError(r, 400, "room must be 1-64 characters of A-Z a-z 0-9 . _ -");
          return http.post(hub.port, "127.0.0.1", "/api/rooms/x/messages").sendBuffer(Buffer.buffer("not json"));
        })
        .compose(r -> {
          assertJsonError(r, 400, "expected a JSON object body");
          return post("x", new JsonObject().put("text", "who am I?"));
        })
        .compose(r -> {
          assertJsonError(r, 400, "missing field 'username'");
          return post("x", message("ann", "   "));
        })
        .compose(r -> {
          assertJsonError(r, 400, "text must not be empty");
          return post("x", message("ann", "hi").put("cid", 42));
        })
        .compose(r -> {
          assertJsonError(r, 400, "cid must be a string of 1-64 characters");
          return get("/api/rooms/x/messages");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(List.of(), seqs(r), "nothing bad was stored");
          ctx.completeNow();
        })));
  }

  @Test
  void searchFindsTextIgnoringCase(VertxTestContext ctx) {
    postAll("search", List.of("Deploy at noon", "lunch?", "the DEPLOYMENT failed", "50% done", "redeploy tomorrow"))
        .compose(v -> get("/api/rooms/search/messages?q=deploy"))
        .compose(r -> {
          assertEquals(List.of("Deploy at noon", "the DEPLOYMENT failed", "redeploy tomorrow"), texts(r));
          return get("/api/rooms/search/messages?q=deploy&limit=1");
        })
        .compose(r -> {
          assertEquals(List.of("redeploy tomorrow"), texts(r), "the latest match first page");
          assertEquals(true, r.bodyAsJsonObject().getBoolean("more"));
          return get("/api/rooms/search/messages?q=%25");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(List.of("50% done"), texts(r), "% is a character, not a wildcard");
          ctx.completeNow();
        })));
  }

  @Test
  void editAndDeleteOverHttpAreForTheAuthorOnly(VertxTestContext ctx) {
    String[] id = new String[1];
    post("edits", message("ann", "first draft"))
        .compose(r -> {
          id[0] = r.bodyAsJsonObject().getString("id");
          return http.patch(hub.port, "127.0.0.1", "/api/rooms/edits/messages/" + id[0])
              .sendJsonObject(message("bob", "bob's draft"));
        })
        .compose(r -> {
          assertJsonError(r, 403, "you can only edit your own messages");
          return http.patch(hub.port, "127.0.0.1", "/api/rooms/edits/messages/" + id[0])
              .sendJsonObject(message("ann", "final draft"));
        })
        .compose(r -> {
          assertEquals(200, r.statusCode());
          assertEquals(new JsonObject().put("id", id[0]).put("seq", 2L), r.bodyAsJsonObject());
          return get("/api/rooms/edits/messages");
        })
        .compose(r -> {
          JsonObject m = r.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
          assertEquals("final draft", m.getString("text"));
          assertEquals(true, m.getBoolean("edited"));
          assertEquals(1L, m.getLong("seq"), "a message keeps its place");
          return http.delete(hub.port, "127.0.0.1", "/api/rooms/edits/messages/" + id[0]).sendJsonObject(new JsonObject().put("username", "bob"));
        })
        .compose(r -> {
          assertJsonError(r, 403, "you can only delete your own messages");
          return http.delete(hub.port, "127.0.0.1", "/api/rooms/edits/messages/nope").sendJsonObject(new JsonObject().put("username", "ann"));
        })
        .compose(r -> {
          assertJsonError(r, 404, "no message 'nope' in room 'edits'");
          return http.delete(hub.port, "127.0.0.1", "/api/rooms/edits/messages/" + id[0]).sendJsonObject(new JsonObject().put("username", "ann"));
        })
        .compose(r -> {
          assertEquals(200, r.statusCode());
          assertEquals(3L, r.bodyAsJsonObject().getLong("seq"));
          return http.delete(hub.port, "127.0.0.1", "/api/rooms/edits/messages/" + id[0]).sendJsonObject(new JsonObject().put("username", "ann"));
        })
        .compose(r -> {
          assertJsonError(r, 409, "message was deleted");
          return get("/api/rooms/edits/messages");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject m = r.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
          assertEquals(true, m.getBoolean("deleted"));
          assertEquals("", m.getString("text"));
          assertFalse(r.bodyAsJsonObject().getBoolean("more"));
          ctx.completeNow();
        })));
  }
}
