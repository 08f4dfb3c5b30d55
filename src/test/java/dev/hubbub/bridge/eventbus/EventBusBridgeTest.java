package dev.hubbub.bridge.eventbus;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both event-bus bridges (TCP and SockJS) against a real hub, side by side with WebSocket clients. */
@ExtendWith(VertxExtension.class)
class EventBusBridgeTest {

  private static final String FEED = Addresses.roomFeed("poly");
  private TestHub hub;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    JsonObject overrides = new JsonObject()
        .put("bridges", new JsonObject().put("maxRegistrations", 3))
        .put("limits", new JsonObject().put("maxFrameBytes", 8192));
    TestHub.start(vertx, overrides).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  private Future<BusTestClient> connect(Vertx vertx, String transport) {
    return transport.equals("tcp") ? BusTestClient.tcp(vertx, hub.tcpPort()) : BusTestClient.sockJs(vertx, hub.port);
  }

  private static JsonObject chat(String text, String username) {
    return new JsonObject().put("room", "poly").put("text", text).put("username", username);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void messagesCrossBetweenTheBridgeAndWebSockets(String transport, Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] ws = new WsTestClient[1];
    BusTestClient[] bus = new BusTestClient[1];
    WsTestClient.joined(vertx, hub.port, "poly", "alice")
        .compose(alice -> {
          ws[0] = alice;
          return alice.skipTo("roster");
        })
        .compose(r -> connect(vertx, transport))
        .compose(client -> {
          bus[0] = client;
          client.register(FEED);
          String replyAddress = client.request(Addresses.CHAT, chat("from the bridge", "py"));
          return client.nextEvent("chat").compose(event -> {
            assertEquals(client.deliveryType(), event.getString("type"));
            assertEquals(FEED, event.getString("address"));
            assertEquals("from the bridge", event.getJsonObject("body").getString("text"));
            assertEquals(1L, event.getJsonObject("body").getLong("seq"));
            return client.next();
          }).compose(reply -> {
            assertEquals(replyAddress, reply.getString("address"));
            assertEquals(1L, reply.getJsonObject("body").getLong("seq"));
            return ws[0].expect("chat");
          });
        })
        .compose(chat -> {
          assertEquals("py", chat.getString("username"));
          assertEquals(1L, chat.getLong("seq"));
          ws[0].chat("from the websocket");
          return bus[0].nextEvent("chat");
        })
        .onComplete(ctx.succeeding(event -> ctx.verify(() -> {
          assertEquals("alice", event.getJsonObject("body").getString("username"));
          assertEquals(2L, event.getJsonObject("body").getLong("seq"));
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void registeringWithSinceReplaysWhatWasMissed(String transport, Vertx vertx, VertxTestContext ctx) {
    WsTestClient.live(vertx, hub.port, "poly", "alice")
        .compose(alice -> {
          alice.chat("one");
          alice.chat("two");
          alice.chat("three");
          return alice.skipTo("chat").compose(x -> alice.skipTo("chat")).compose(x -> alice.skipTo("chat")).map(alice);
        })
        .compose(alice -> connect(vertx, transport).compose(client -> {
          client.send(new JsonObject().put("type", "register").put("address", FEED).put("headers", new JsonObject().put("since", "1")));
          return client.nextEvent("chat").compose(two -> {
            assertEquals(2L, two.getJsonObject("body").getLong("seq"));
            return client.nextEvent("chat");
          }).compose(three -> {
            assertEquals(3L, three.getJsonObject("body").getLong("seq"));
            alice.chat("four");
            return client.nextEvent("chat");
          });
        }))
        .onComplete(ctx.succeeding(four -> ctx.verify(() -> {
          assertEquals(4L, four.getJsonObject("body").getLong("seq"));
          ctx.completeNow();
        })));
  }

  /**
   * Sends what {@code bad} sends and expects an error frame whose message starts with {@code expected}
   * (skipping the {@code history} deliveries that open earlier registrations).
   */
  private static Future<BusTestClient> refused(BusTestClient client, Function<BusTestClient, Object> bad, int code, String expected) {
    bad.apply(client);
    return client.skipHistory().compose(error -> {
      assertEquals("err", error.getString("type"), error.encode());
      assertEquals(code, error.getInteger("failureCode"), error.encode());
      assertTrue(error.getString("message").startsWith(expected), error.encode());
      return Future.succeededFuture(client);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void onlyRoomFeedsAndCommandsAreReachable(String transport, Vertx vertx, VertxTestContext ctx) {
    connect(vertx, transport)
        .compose(c -> refused(c, x -> x.request(Addresses.JOIN, new JsonObject().put("room", "poly")), 403, "access_denied"))
        .compose(c -> refused(c, x -> x.request("vertx.anything", new JsonObject()), 403, "access_denied"))
        .compose(c -> refused(c, x -> x.send(new JsonObject().put("type", "publish").put("address", Addresses.CHAT).put("body", chat("x", "py"))),
            403, "access_denied"))
        .compose(c -> refused(c, x -> x.register(Addresses.CHAT), 403, "access_denied"))
        .compose(c -> refused(c, x -> x.register(Addresses.ROOM_FEED_PREFIX + "no spaces"), 403, "access_denied"))
        .compose(c -> refused(c, x -> x.sendRaw(x.frameBytes("{oops")), 400, "invalid_json"))
        .compose(c -> refused(c, x -> x.send(new JsonObject().put("address", FEED)), 400, "missing_type"))
        .compose(c -> refused(c, x -> x.send(new JsonObject().put("type", "fly")), 400, "unknown_type"))
        .compose(c -> refused(c, x -> x.send(new JsonObject().put("type", "send").put("address", Addresses.CHAT).put("body", "text")),
            400, "body must be a JSON object"))
        .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("   ", "py")), 400, "text must not be empty"))
        .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("hi", "py").put("room", "bad room")), 400, "room must be"))
        .compose(c -> refused(c, x -> x.request(Addresses.CHAT, chat("hi", "py").put("cid", 7)), 400, "cid must be"))
        .compose(c -> refused(c, x -> x.send(new JsonObject().put("type", "unregister").put("address", FEED)), 404, "unknown_address"))
        // Still usable afterwards.
        .compose(c -> {
          String replyAddress = c.request(Addresses.CHAT, chat("still here", "py"));
          return c.next().map(reply -> {
            assertEquals(replyAddress, reply.getString("address"));
            return reply;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void registrationsPerConnectionAreCapped(String transport, Vertx vertx, VertxTestContext ctx) {
    connect(vertx, transport)
        .compose(c -> {
          c.register(Addresses.roomFeed("a")).register(Addresses.roomFeed("b")).register(Addresses.roomFeed("c"));
          return refused(c, x -> x.register(Addresses.roomFeed("d")), 429, "max_handlers_reached");
        })
        .compose(c -> refused(c, x -> x.register(Addresses.roomFeed("a")), 409, "address_already_registered"))
        .compose(c -> {
          // Unregistering frees a place.
          c.send(new JsonObject().put("type", "unregister").put("address", Addresses.roomFeed("a")));
          c.register(Addresses.roomFeed("d"));
          return refused(c, x -> x.register(Addresses.roomFeed("e")), 429, "max_handlers_reached");
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void anOversizedFrameClosesTheConnectionAndTheHubCarriesOn(String transport, Vertx vertx, VertxTestContext ctx) {
    String huge = new JsonObject().put("type", "send").put("address", Addresses.CHAT).put("body", chat("x".repeat(9000), "py")).encode();
    connect(vertx, transport)
        .compose(c -> refused(c, x -> x.sendRaw(x.frameBytes(huge)), 413, "frame"))
        .compose(c -> c.closed())
        .compose(v -> connect(vertx, transport))
        .compose(c -> {
          c.request(Addresses.CHAT, chat("after the big one", "py"));
          return c.next();
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(1L, reply.getJsonObject("body").getLong("seq"));
          ctx.completeNow();
        })));
  }

  @Test
  void tcpLengthPrefixesOutOfRangeAreRefusedBeforeBuffering(Vertx vertx, VertxTestContext ctx) {
    BusTestClient.tcp(vertx, hub.tcpPort())
        .compose(c -> refused(c, x -> x.sendRaw(Buffer.buffer().appendInt(-5)), 413, "frame length -5"))
        .compose(BusTestClient::closed)
        .compose(v -> BusTestClient.tcp(vertx, hub.tcpPort()))
        .compose(c -> refused(c, x -> x.sendRaw(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendString("{")), 413, "frame length"))
        .compose(BusTestClient::closed)
        .compose(v -> BusTestClient.tcp(vertx, hub.tcpPort()))
        .compose(c -> {
          c.send(new JsonObject().put("type", "ping"));
          return c.next();
        })
        .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
          assertEquals("pong", pong.getString("type"));
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void authorsEditAndDeleteTheirMessagesThroughTheBridge(String transport, Vertx vertx, VertxTestContext ctx) {
    connect(vertx, transport)
        .compose(c -> {
          c.register(FEED);
          c.request(Addresses.CHAT, chat("frist", "py"));
          return c.nextEvent("chat").compose(posted -> c.next().map(reply -> posted.getJsonObject("body").getString("id")))
              .compose(id -> refused(c, x -> x.request(Addresses.EDIT, new JsonObject().put("room", "poly").put("id", id)
                  .put("text", "mine now").put("username", "someone-else")), 403, "you can only edit your own messages").map(id))
              .compose(id -> {
                c.request(Addresses.EDIT, new JsonObject().put("room", "poly").put("id", id).put("text", "first").put("username", "py"));
                return c.nextEvent("edited").compose(edited -> {
                  assertEquals("first", edited.getJsonObject("body").getString("text"));
                  assertEquals(2L, edited.getJsonObject("body").getLong("seq"));
                  return c.next(); // the reply
                }).map(id);
              })
              .compose(id -> {
                c.request(Addresses.DELETE, new JsonObject().put("room", "poly").put("id", id).put("username", "py"));
                return c.nextEvent("deleted");
              });
        })
        .onComplete(ctx.succeeding(deleted -> ctx.verify(() -> {
          assertEquals(3L, deleted.getJsonObject("body").getLong("seq"));
          ctx.completeNow();
        })));
  }
}
