package dev.hubbub.protocol;

import dev.hubbub.auth.Identity;
import dev.hubbub.limits.ClientAddress;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The write commands and acks on the bus: the same instance locally, and between nodes exactly the JSON
 * bodies and replies JSON senders have always used (built here the way the bridges built them before).
 */
@ExtendWith(VertxExtension.class)
class CommandCodecTest {

  private static final Identity USER = Identity.user("ann", "acc-1", List.of("admin"), 0);
  private static final Identity GUEST = Identity.guest("gus");
  private static final SocketAddress FROM = SocketAddress.inetSocketAddress(4000, "10.1.2.3");

  @Test
  void theWireFormIsTodaysJsonBodyAndDecodesToAnEqualCommand() {
    // A registered user's chat with a cid, as the WebSocket bridge built it.
    JsonObject chat = USER.into(new JsonObject().put("text", "hi").put("room", "lobby")).put("clientAddress", "10.1.2.3").put("cid", "c-1");
    assertWire(CommandCodec.POST, WriteCommand.Post.of("lobby", USER.actor(), "hi", "c-1", ClientAddress.host(FROM), 100), chat);
    // A guest's chat without cid or address, as a test or a tool sends it.
    assertWire(CommandCodec.POST, WriteCommand.Post.of("lobby", GUEST.actor(), "yo", null, null, 100),
        GUEST.into(new JsonObject().put("room", "lobby").put("text", "yo")));
    assertWire(CommandCodec.EDIT, WriteCommand.Edit.of("lobby", USER.actor(), "m1", "better", ClientAddress.host(FROM), 100),
        USER.into(new JsonObject().put("id", "m1").put("text", "better").put("room", "lobby")).put("clientAddress", "10.1.2.3"));
    assertWire(CommandCodec.DELETE, WriteCommand.Delete.of("lobby", GUEST.actor(), "m1", null),
        GUEST.into(new JsonObject().put("room", "lobby").put("id", "m1")));
  }

  @Test
  void theAckTravelsAsTheReplyJsonSendersRead() {
    assertWire(CommandCodec.ACK, new Ack("m1", 7, 1000, false), new JsonObject().put("id", "m1").put("seq", 7L).put("ts", 1000L));
    assertWire(CommandCodec.ACK, new Ack("m1", 7, 1000, false).asDuplicate(),
        new JsonObject().put("id", "m1").put("seq", 7L).put("ts", 1000L).put("duplicate", true));
    JsonObject stored = Events.chat("lobby", "ann", "hi", 1000, 7, "m1");
    assertEquals(new Ack("m1", 7, 1000, false), Ack.of(stored), "an ack read back from a store");
  }

  @Test
  void theLocalCodecPassesTheSameInstance(Vertx vertx, VertxTestContext ctx) {
    CommandCodec.register(vertx);
    CommandCodec.register(vertx); // a second registration is harmless
    WriteCommand.Post post = WriteCommand.Post.of("lobby", GUEST.actor(), "hi", null, null, 100);
    Ack ack = new Ack("m1", 1, 2, false);
    vertx.eventBus().<WriteCommand>consumer("cmd-test", msg -> ctx.verify(() -> {
      assertSame(post, msg.body(), "no copy on the local bus");
      msg.reply(ack);
    })).completion()
        .compose(v -> vertx.eventBus().<Ack>request("cmd-test", post))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertSame(ack, reply.body(), "nor of the reply");
          ctx.completeNow();
        })));
  }

  private static <T> void assertWire(MessageCodec<T, T> codec, T value, JsonObject today) {
    Buffer wire = Buffer.buffer("xx");
    codec.encodeToWire(wire, value);
    int length = wire.getInt(2);
    assertEquals(wire.length(), 2 + 4 + length, "a length, then the JSON");
    assertEquals(today, new JsonObject(wire.getBuffer(6, wire.length())), "the JSON a JSON sender writes");
    assertEquals(value, codec.decodeFromWire(2, wire), "decoded on the other node");
    assertSame(value, codec.transform(value), "locally: the same instance");
  }
}
