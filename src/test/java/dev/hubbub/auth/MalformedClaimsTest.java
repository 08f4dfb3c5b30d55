package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A token signed with the hub's own secret whose claims have the wrong types is a bad token like any
 * other: 401 over HTTP and SSE, close 4401 on the WebSocket, an {@code err} 401 on the bridges. Never a
 * 500, never a connection left hanging.
 */
@ExtendWith(VertxExtension.class)
class MalformedClaimsTest {

  private TestHub hub;
  private WebClient web;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    web = WebClient.create(vertx);
    TestHub.start(vertx).compose(h -> {
      hub = h;
      return Accounts.register(web, hub.port, "alice");
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** A validly signed token for alice with {@code claim} set to {@code value} (a JSON literal). */
  private static String signed(Vertx vertx, String claim, String value) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestHub.JWT_SECRET)));
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", "alice").put("iss", "hubbub").put("exp", now + 3600).put("iat", now);
    claims.put(claim, new JsonObject("{\"v\":" + value + "}").getValue("v"));
    return jwt.generateToken(claims, new JWTOptions().setNoTimestamp(true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"exp=\"tomorrow\"", "exp={\"at\":1}", "sub=42", "iat=\"now\"", "aid=7", "nbf=\"later\""})
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aMalformedClaimIsRefusedOnEveryTransport(String claim, Vertx vertx, VertxTestContext ctx) {
    String[] parts = claim.split("=", 2);
    String token = signed(vertx, parts[0], parts[1]);
    MultiMap bearer = MultiMap.caseInsensitiveMultiMap().add("Authorization", Accounts.bearer(token));
    JsonObject frameHeaders = new JsonObject().put("authorization", Accounts.bearer(token));
    JsonObject chat = new JsonObject().put("room", "lobby").put("text", "hi");
    web.get(hub.port, "127.0.0.1", "/api/me").putHeaders(bearer).send()
        .compose(me -> {
          assertEquals(401, me.statusCode(), claim + " over HTTP: " + me.bodyAsString());
          return web.get(hub.port, "127.0.0.1", "/rooms/lobby/events?format=json").putHeaders(bearer)
              .putHeader("Accept", "text/event-stream").send();
        })
        .compose(sse -> {
          assertEquals(401, sse.statusCode(), claim + " over SSE: " + sse.bodyAsString());
          return WsTestClient.withToken(vertx, hub.port, token).compose(WsTestClient::closed);
        })
        .compose(upgrade -> {
          assertEquals((short) 4401, (short) upgrade, claim + " on the WebSocket upgrade");
          return WsTestClient.connect(vertx, hub.port).compose(ws -> {
            ws.send(new JsonObject().put("type", "auth").put("token", token));
            return ws.closed();
          });
        })
        .compose(frame -> {
          assertEquals((short) 4401, (short) frame, claim + " in a WebSocket auth frame");
          return bridged(BusTestClient.tcp(vertx, hub.tcpPort()), chat, frameHeaders);
        })
        .compose(tcp -> {
          assertEquals(401, tcp.getInteger("failureCode", 0), claim + " over TCP: " + tcp.encode());
          return bridged(BusTestClient.sockJs(vertx, hub.port), chat, frameHeaders);
        })
        .onComplete(ctx.succeeding(sockJs -> ctx.verify(() -> {
          assertEquals(401, sockJs.getInteger("failureCode", 0), claim + " over SockJS: " + sockJs.encode());
          ctx.completeNow();
        })));
  }

  private static Future<JsonObject> bridged(Future<BusTestClient> connecting, JsonObject chat, JsonObject headers) {
    return connecting.compose(bus -> {
      bus.request(Addresses.CHAT, chat, headers);
      return bus.next();
    });
  }
}
