package dev.hubbub.limits;

import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.support.Await;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit against a real hub: each is hit with small configured values, answers clearly (429/503,
 * {@code error}/{@code err} frames, close 1008) and moves its metric; idle connections are closed while an
 * active client keeps receiving; rooms no one is in are forgotten. No timing assertions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LimitsTest {

  private static final long WAIT_SECONDS = 60;
  /** A refill so slow that no token comes back during a test, however loaded the machine. */
  private static final double NO_REFILL = 0.0001;

  private static TestHub hub(Vertx vertx, JsonObject limits) throws Exception {
    return await(TestHub.start(vertx, new JsonObject().put("limits", limits)
        .put("stats", new JsonObject().put("intervalMs", 50))));
  }

  private static double rateHits() {
    return HubMetrics.get().registry().get("hubbub.rate.limit.hits").counter().count();
  }

  private static double connectionHits() {
    return HubMetrics.get().registry().get("hubbub.connection.limit.hits").counter().count();
  }

  private static WebClient web(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
  }

  private static HttpResponse<Buffer> post(Vertx vertx, TestHub hub, String room, String username, String text) throws Exception {
    return await(web(vertx).post(hub.port, "127.0.0.1", "/api/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("username", username).put("text", text)));
  }

  @Test
  void aWebSocketOverItsRateGetsErrorFrames429ThenClose1008(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("messagesPerSecond", NO_REFILL).put("messageBurst", 3).put("refusalsBeforeClose", 3));
    WsTestClient ann = await(WsTestClient.live(vertx, hub.port, "rates", "ann")); // the join is frame 1
    double before = rateHits();
    ann.chat("two");
    ann.chat("three");
    assertEquals("two", await(ann.skipTo("chat")).getString("text"));
    assertEquals("three", await(ann.skipTo("chat")).getString("text"));
    ann.chat("refused");
    JsonObject refused = await(ann.expect("error"));
    assertEquals(429, refused.getInteger("code"));
    assertEquals(RateGate.REFUSED, refused.getString("message"));
    ann.chat("refused again");
    assertEquals(429, await(ann.expect("error")).getInteger("code"));
    ann.chat("the third refusal in a row");
    assertEquals((short) 1008, await(ann.closed()));
    assertEquals(RateGate.CLOSED, ann.closeReason());
    assertEquals(before + 3, rateHits());
  }

  @Test
  void restWritesOverTheIdentitysRateAre429Json(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("identityMessagesPerSecond", NO_REFILL).put("identityMessageBurst", 2));
    assertEquals(201, post(vertx, hub, "rest-rates", "rita", "one").statusCode());
    assertEquals(201, post(vertx, hub, "rest-rates", "rita", "two").statusCode());
    double before = rateHits();
    HttpResponse<Buffer> refused = post(vertx, hub, "rest-rates", "rita", "three");
    assertEquals(429, refused.statusCode());
    assertEquals(RateGate.REFUSED, refused.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> page = await(web(vertx).post(hub.port, "127.0.0.1", "/rooms/rest-rates/messages")
        .sendJsonObject(new JsonObject().put("username", "rita").put("text", "through the page")));
    assertEquals(429, page.statusCode(), "the page's post counts against the same identity");
    assertEquals(before + 2, rateHits());
    assertEquals(201, post(vertx, hub, "rest-rates", "sam", "another identity").statusCode());
  }

  @Test
  void anIdentityCreatesAtMostItsBurstOfRooms(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("roomsPerMinute", 1).put("roomBurst", 2));
    assertEquals(201, post(vertx, hub, "made-1", "maker", "one").statusCode());
    assertEquals(201, post(vertx, hub, "made-2", "maker", "two").statusCode());
    double before = rateHits();
    HttpResponse<Buffer> refused = post(vertx, hub, "made-3", "maker", "three");
    assertEquals(429, refused.statusCode());
    assertTrue(refused.bodyAsJsonObject().getString("error").startsWith("too many new rooms"), refused.bodyAsString());
    assertEquals(before + 1, rateHits());
    assertEquals(201, post(vertx, hub, "made-1", "maker", "an existing room is no creation").statusCode());
    assertEquals(201, post(vertx, hub, "made-3", "other", "another identity may").statusCode());
  }

  @Test
  void anAddressCreatesAtMostItsBurstOfRoomsWhateverNamesItTakes(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("roomsPerMinutePerAddress", 1).put("roomBurstPerAddress", 2)
        .put("exemptAddresses", ""));
    // A new guest name per room: the per-identity cap never bites, the address's does.
    assertEquals(201, post(vertx, hub, "addr-1", "guest-1", "one").statusCode());
    assertEquals(201, post(vertx, hub, "addr-2", "guest-2", "two").statusCode());
    double before = rateHits();
    HttpResponse<Buffer> refused = post(vertx, hub, "addr-3", "guest-3", "three");
    assertEquals(429, refused.statusCode());
    assertTrue(refused.bodyAsJsonObject().getString("error").startsWith("too many new rooms"), refused.bodyAsString());

    // The same address over a WebSocket and the TCP bridge; a client cannot name another address in its body.
    WsTestClient ws = await(WsTestClient.live(vertx, hub.port, "addr-4", "guest-4"));
    ws.send(new JsonObject().put("type", "chat").put("text", "four").put("cid", "c4"));
    JsonObject error = await(ws.skipTo("error"));
    assertTrue(error.getString("message").startsWith("too many new rooms"), error.encode());
    BusTestClient tcp = await(BusTestClient.tcp(vertx, hub.tcpPort()));
    tcp.send(new JsonObject().put("type", "send").put("address", "hubbub.cmd.chat").put("replyAddress", "r1")
        .put("body", new JsonObject().put("room", "addr-5").put("username", "guest-5").put("text", "five")
            .put("clientAddress", "198.51.100.77")));
    JsonObject err = await(tcp.next());
    assertTrue(err.encode().contains("429") && err.encode().contains("too many new rooms"), err.encode());
    assertEquals(before + 3, rateHits());
    assertEquals(201, post(vertx, hub, "addr-1", "guest-6", "an existing room is no creation").statusCode());
  }

  @Test
  void aTcpBridgeClientOverItsRateGetsErr429ThenIsClosed(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("messagesPerSecond", NO_REFILL).put("messageBurst", 1).put("refusalsBeforeClose", 2));
    BusTestClient tcp = await(BusTestClient.tcp(vertx, hub.tcpPort()));
    double before = rateHits();
    tcp.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", await(tcp.next()).getString("type"));
    tcp.send(new JsonObject().put("type", "ping"));
    JsonObject err = await(tcp.next());
    assertEquals("err", err.getString("type"));
    assertTrue(err.encode().contains("429") && err.encode().contains(RateGate.REFUSED), err.encode());
    tcp.send(new JsonObject().put("type", "ping"));
    assertTrue(await(tcp.skipErr()).encode().contains(RateGate.CLOSED));
    await(tcp.closed());
    assertEquals(before + 2, rateHits());
  }

  @Test
  void connectionsOverTheAddressCapAreRefusedOnEveryTransport(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("maxConnectionsPerAddress", 1).put("exemptAddresses", ""));
    WsTestClient first = await(WsTestClient.joined(vertx, hub.port, "capped", "ann"));
    double before = connectionHits();

    Throwable ws = Await.failure(WsTestClient.connect(vertx, hub.port), WAIT_SECONDS);
    assertInstanceOf(UpgradeRejectedException.class, ws);
    assertEquals(429, ((UpgradeRejectedException) ws).getStatus());

    Throwable sse = Await.failure(SseTestClient.connect(vertx, hub.port, "/rooms/capped/events?format=json"), WAIT_SECONDS);
    assertTrue(sse.getMessage().contains("got 429") && sse.getMessage().contains("too many connections from your address"),
        sse.getMessage());

    BusTestClient tcp = await(BusTestClient.tcp(vertx, hub.tcpPort()));
    JsonObject err = await(tcp.next());
    assertEquals("err", err.getString("type"));
    assertTrue(err.encode().contains("429") && err.encode().contains("too many connections"), err.encode());
    await(tcp.closed());
    assertEquals(before + 3, connectionHits());

    await(first.close());
    // The place is released when the connection closes; the next client gets it (polled: the close is asynchronous).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      try {
        await(WsTestClient.joined(vertx, hub.port, "capped", "bob"));
        break;
      } catch (UpgradeRejectedException e) {
        assertTrue(System.nanoTime() < deadline, "the closed connection's place was never released");
      }
    }
  }

  @Test
  void theTotalCapAnswers503(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("maxConnections", 1));
    await(WsTestClient.joined(vertx, hub.port, "full", "ann"));
    Throwable sse = Await.failure(SseTestClient.connect(vertx, hub.port, "/rooms/full/events?format=json"), WAIT_SECONDS);
    assertTrue(sse.getMessage().contains("got 503") && sse.getMessage().contains("the hub is full"), sse.getMessage());
  }

  @Test
  void silentConnectionsAreClosedWhileAnActiveClientKeepsReceiving(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("joinTimeoutSeconds", 1).put("tcpFirstFrameSeconds", 1)
        .put("httpIdleTimeoutSeconds", 3).put("wsPingSeconds", 1));
    WsTestClient active = await(WsTestClient.live(vertx, hub.port, "busy", "ann"));

    WsTestClient neverJoins = await(WsTestClient.connect(vertx, hub.port));
    BusTestClient silentTcp = await(BusTestClient.tcp(vertx, hub.tcpPort()));
    // A request whose headers never end (slowloris): only the idle timeout can end it.
    NetSocket stalled = await(vertx.createNetClient().connect(hub.port, "127.0.0.1"));
    Promise<Void> stalledClosed = Promise.promise();
    stalled.closeHandler(v -> stalledClosed.tryComplete());
    stalled.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");

    assertEquals((short) 1008, await(neverJoins.closed()));
    assertEquals("join or authenticate within 1s", neverJoins.closeReason());
    JsonObject err = await(silentTcp.next());
    assertTrue(err.encode().contains("408") && err.encode().contains("send a frame within 1s"), err.encode());
    await(silentTcp.closed());
    await(stalledClosed.future());

    assertEquals(201, post(vertx, hub, "busy", "bob", "still here?").statusCode());
    assertEquals("still here?", await(active.skipTo("chat")).getString("text"));
    assertTrue(!active.socket().isClosed(), "the active client is still open");
  }

  @Test
  void roomsNoOneIsInAreForgottenByTheLiveFigures(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, new JsonObject().put("roomHeads", 10));
    int rooms = 300;
    WebClient web = WebClient.create(vertx);
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      posts.add(web.post(hub.port, "127.0.0.1", "/api/rooms/r" + i + "/messages")
          .sendJsonObject(new JsonObject().put("username", "creator").put("text", "hello " + i)));
    }
    for (Future<HttpResponse<Buffer>> post : posts) {
      assertEquals(201, await(post).statusCode());
    }
    // Every message counted, and at most the most recent empty rooms still held.
    JsonObject snapshot = await(StatsProbe.await(vertx, s -> s.getLong("messages") >= rooms && s.getInteger("roomCount") <= 100));
    assertTrue(snapshot.getJsonArray("rooms").size() <= 100);
    // r0's head was evicted from the sequencer's cache long ago: it is read back, and the seq continues.
    HttpResponse<Buffer> again = post(vertx, hub, "r0", "creator", "again");
    assertEquals(201, again.statusCode());
    assertEquals(2, again.bodyAsJsonObject().getLong("seq"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
