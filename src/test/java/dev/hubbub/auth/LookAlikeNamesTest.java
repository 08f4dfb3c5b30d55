package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Names;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.Forms;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names a reader would take for a registered one are refused, to guests on every transport (REST, the htmx
 * form, WebSocket, TCP, SockJS) and to new registrations: compatibility forms (NFKC), hidden characters,
 * and UTS #39 confusables.
 */
@ExtendWith(VertxExtension.class)
class LookAlikeNamesTest {

  private static final String VICTIM = "noelia";
  /** Each looks like {@value #VICTIM} (or is it, in another case). */
  static final List<String> LOOK_ALIKES = List.of(
      "noeli\u0430",                 // Cyrillic а
      "n\u043e\u0435lia",            // Cyrillic о and е
      "noel\u0131a",                 // dotless ı
      "noeli\uff41",                 // fullwidth ａ
      "noel\u0307ia",                // a combining dot above the l
      "noe\u217cia",                 // ⅼ, small roman numeral fifty
      "noeli\ud835\udc1a",           // math-bold 𝐚
      "noelia\u00a0",                // a trailing no-break space
      "noe\u200blia",                // a zero-width space
      "\u202enoelia",                // a right-to-left override
      "NOELIA");                     // case, refused before too

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx).compose(h -> {
      hub = h;
      return Accounts.register(web, hub.port, VICTIM);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void lookAlikesOfARegisteredNameAreRefusedEverywhere(Vertx vertx, VertxTestContext ctx) {
    Future<Void> all = Future.succeededFuture();
    for (String name : LOOK_ALIKES) {
      all = all.compose(v -> refusedEverywhere(vertx, name));
    }
    all.compose(v -> web.get(hub.port, "127.0.0.1", "/api/rooms/names/messages").send())
        .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
          assertEquals(0, history.bodyAsJsonObject().getJsonArray("messages").size(), "nothing was posted: " + history.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aGuestCannotJoinUnderALookAlikeOfAGuestPresent(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.joined(vertx, hub.port, "names", "bob")
        .compose(bob -> WsTestClient.connect(vertx, hub.port))
        .compose(other -> other.join("names", "b\u043eb").map(welcome -> "joined as a look-alike").otherwise(e -> String.valueOf(e.getMessage()))
            .compose(refusal -> other.join("names", "carol").map(welcome -> refusal)))
        .onComplete(ctx.succeeding(refusal -> ctx.verify(() -> {
          assertTrue(refusal.contains("taken"), "a Cyrillic о makes no new name: " + refusal);
          ctx.completeNow();
        })));
  }

  @Test
  void registeredNamesAreStoredInTheirNormalForm(Vertx vertx, VertxTestContext ctx) {
    web.post(hub.port, "127.0.0.1", "/api/register")
        .sendJsonObject(new JsonObject().put("username", "\uff4d\uff41\uff58").put("password", Accounts.PASSWORD))
        .onComplete(ctx.succeeding(created -> ctx.verify(() -> {
          assertEquals(201, created.statusCode(), created.bodyAsString());
          assertEquals("max", created.bodyAsJsonObject().getString("username"), "fullwidth letters are stored as NFKC");
          ctx.completeNow();
        })));
  }

  private Future<Void> refusedEverywhere(Vertx vertx, String name) {
    String shown = name.codePoints().mapToObj(c -> c < 128 ? Character.toString(c) : String.format("U+%04X", c))
        .reduce("", String::concat);
    JsonObject chat = new JsonObject().put("room", "names").put("text", "hi from " + shown).put("username", name);
    return web.post(hub.port, "127.0.0.1", "/api/register")
        .sendJsonObject(new JsonObject().put("username", name).put("password", Accounts.PASSWORD))
        .compose(registered -> {
          assertTrue(registered.statusCode() == 409 || registered.statusCode() == 400,
              "registering " + shown + ": " + registered.statusCode() + " " + registered.bodyAsString());
          return web.post(hub.port, "127.0.0.1", "/api/rooms/names/messages").sendJsonObject(new JsonObject().put("username", name).put("text", "hi"));
        })
        .compose(posted -> {
          assertTrue(posted.statusCode() == 403 || posted.statusCode() == 400,
              "a REST guest as " + shown + ": " + posted.statusCode() + " " + posted.bodyAsString());
          return Forms.post(web, hub.port, "/rooms/names", "/rooms/names/messages",
              MultiMap.caseInsensitiveMultiMap().add("username", name).add("text", "hi"), null, true);
        })
        .compose(form -> {
          assertTrue(form.statusCode() == 403 || form.statusCode() == 400,
              "the htmx form as " + shown + ": " + form.statusCode() + " " + form.bodyAsString());
          return WsTestClient.connect(vertx, hub.port).compose(ws -> {
            ws.send(new JsonObject().put("type", "join").put("room", "names").put("username", name));
            return ws.next().eventually(ws::close);
          });
        })
        .compose(frame -> {
          assertEquals("error", frame.getString("type"), "a WebSocket guest as " + shown + ": " + frame.encode());
          return BusTestClient.tcp(vertx, hub.tcpPort()).compose(bus -> {
            bus.request(Addresses.CHAT, chat);
            return bus.next();
          });
        })
        .compose(err -> {
          assertEquals("err", err.getString("type"), "a TCP guest as " + shown + ": " + err.encode());
          return BusTestClient.sockJs(vertx, hub.port).compose(bus -> {
            bus.request(Addresses.CHAT, chat);
            return bus.next();
          });
        })
        .map(err -> {
          assertEquals("err", err.getString("type"), "a SockJS guest as " + shown + ": " + err.encode());
          return null;
        });
  }
}
