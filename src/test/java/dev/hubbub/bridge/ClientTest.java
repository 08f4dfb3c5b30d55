package dev.hubbub.bridge;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.limits.RateGate;
import dev.hubbub.protocol.Failure;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules every transport's connection shares, over a fake transport and a fake token check: no sockets, no hub. */
@ExtendWith(VertxExtension.class)
class ClientTest {

  private static final SocketAddress FAR = SocketAddress.inetSocketAddress(4000, "10.9.8.7");

  /** A transport that records how the hub ended it and what it refused. */
  private static final class FakeTransport implements Client.Transport {
    final List<String> ended = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    final Promise<Void> endedOnce = Promise.promise();
    boolean readsForAnn;

    @Override
    public void end(Client.Ending ending, String reason) {
      ended.add(ending + " " + reason);
      endedOnce.tryComplete();
    }

    @Override
    public void refused(int code, String message) {
      refused.add(code + " " + message);
    }

    @Override
    public boolean readsAs(String accountKey) {
      return readsForAnn && accountKey.equals("ann");
    }
  }

  /** Tokens are user names; "bad" fails; each check is counted. */
  private static final class FakeTokens implements Client.Verifier {
    final Map<String, Integer> checks = new HashMap<>();
    final Map<String, Long> expiries = new HashMap<>();

    @Override
    public Future<Identity> verify(Credentials credentials) {
      String token = credentials.token();
      checks.merge(token, 1, Integer::sum);
      if (token.equals("bad")) {
        return Future.failedFuture(Failure.unauthorized("invalid token"));
      }
      return Future.succeededFuture(Identity.user(token, "acc-" + token, List.of(),
          expiries.getOrDefault(token, System.currentTimeMillis() + 3_600_000)));
    }
  }

  /** The shipped defaults, with {@code overrides} merged into their blocks ({@code limits}, {@code auth}). */
  private static Connections<FakeTransport> connections(SessionEngine engine, FakeTokens tokens, JsonObject overrides) {
    JsonObject config = ConfigLoader.load(Path.of("does-not-exist.json"), false, Map.of());
    overrides.forEach(block -> config.getJsonObject(block.getKey()).mergeIn((JsonObject) block.getValue()));
    return engine.connections(ConnectionReporter.TCP, tokens, HubConfig.from(config));
  }

  private static Credentials bearer(String token) {
    return Credentials.bearer("Bearer " + token);
  }

  @Test
  void theSameTokenOnEveryFrameIsCheckedOnceUntilItExpires(Vertx vertx, VertxTestContext ctx) {
    FakeTokens tokens = new FakeTokens();
    Client client = connections(new SessionEngine(vertx), tokens, new JsonObject()).open(new FakeTransport(), null);
    tokens.expiries.put("old", System.currentTimeMillis() - 1);
    client.identify(bearer("ann"), null, null, "log in")
        .compose(first -> client.identify(bearer("ann"), null, null, "log in").map(second -> {
          assertSame(first, second, "the remembered identity");
          return second;
        }))
        .compose(ann -> client.identify(bearer("old"), null, null, "log in"))
        .compose(old -> client.identify(bearer("old"), null, null, "log in"))
        .onComplete(ctx.succeeding(old -> ctx.verify(() -> {
          assertEquals(1, tokens.checks.get("ann"), "one check for a token sent with every frame");
          assertEquals(2, tokens.checks.get("old"), "an expired token is checked again, never taken from memory");
          assertEquals("old", client.identity().username(), "the last verified identity acts (rate, account deletion)");
          ctx.completeNow();
        })));
  }

  @Test
  void withoutATokenAFrameIsAGuestOnlyWhenGuestsAreAdmitted(Vertx vertx, VertxTestContext ctx) {
    SessionEngine engine = new SessionEngine(vertx);
    FakeTokens tokens = new FakeTokens();
    Client open = connections(engine, tokens, new JsonObject()).open(new FakeTransport(), null);
    Client closed = connections(engine, tokens, new JsonObject().put("auth", new JsonObject().put("guests", false)))
        .open(new FakeTransport(), null);
    open.identify(null, null, "gus", "log in first")
        .onComplete(ctx.succeeding(guest -> closed.identify(null, null, "gus", "log in first").onComplete(refused -> ctx.verify(() -> {
          assertTrue(guest.guest());
          assertEquals("gus", guest.username());
          assertNull(open.identity(), "a guest frame does not make the connection anyone");
          assertTrue(refused.failed());
          assertEquals(401, ((Failure.Rejected) refused.cause()).code);
          assertEquals("log in first", refused.cause().getMessage());
          ctx.completeNow();
        }))));
  }

  @Test
  void aBadTokenIsRefusedNeverTakenForAGuestAndTheHandshakeTokenStandsIn(Vertx vertx, VertxTestContext ctx) {
    FakeTokens tokens = new FakeTokens();
    Client client = connections(new SessionEngine(vertx), tokens, new JsonObject()).open(new FakeTransport(), null);
    client.identify(bearer("bad"), bearer("ann"), "gus", "log in").onComplete(bad ->
        client.identify(null, bearer("ann"), "gus", "log in").onComplete(ctx.succeeding(handshake -> ctx.verify(() -> {
          assertTrue(bad.failed(), "the frame's own bad token wins over the handshake's, and over a guest name");
          assertEquals("ann", handshake.username(), "a frame without a token acts with the handshake's");
          assertFalse(handshake.guest());
          ctx.completeNow();
        }))));
  }

  @Test
  void aLoggedInConnectionEndsAtItsTokenExpiryAndAFreshLoginMovesIt(Vertx vertx, VertxTestContext ctx) {
    FakeTransport transport = new FakeTransport();
    Client client = connections(new SessionEngine(vertx), new FakeTokens(), new JsonObject()).open(transport, null);
    long now = System.currentTimeMillis();
    client.loggedIn(Identity.user("ann", "a", List.of(), now + 50), "first token expired");
    client.loggedIn(Identity.user("ann", "a", List.of(), now + 150), "second token expired");
    transport.endedOnce.future().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of("UNAUTHENTICATED second token expired"), transport.ended, "the first expiry was cancelled");
      assertTrue(System.currentTimeMillis() >= now + 150);
      ctx.completeNow();
    })));
  }

  @Test
  void accountDeletionEndsWhoActsOrReadsForItAndForgetsItsToken(Vertx vertx, VertxTestContext ctx) {
    SessionEngine engine = new SessionEngine(vertx);
    FakeTokens tokens = new FakeTokens();
    Connections<FakeTransport> connections = connections(engine, tokens, new JsonObject());
    FakeTransport annT = new FakeTransport();
    FakeTransport bobT = new FakeTransport();
    FakeTransport readerT = new FakeTransport();
    readerT.readsForAnn = true;
    Client ann = connections.open(annT, null);
    Client bob = connections.open(bobT, null);
    connections.open(readerT, null);
    ann.identify(bearer("Ann"), null, null, "log in")
        .compose(v -> bob.identify(bearer("bob"), null, null, "log in"))
        .onComplete(ctx.succeeding(v -> {
          engine.accountDeleted("ANN"); // keys fold case, as AccountStore.key does
          ann.identify(bearer("Ann"), null, null, "log in").onComplete(ctx.succeeding(again -> ctx.verify(() -> {
            assertEquals(List.of("UNAUTHENTICATED " + Client.ACCOUNT_DELETED), annT.ended);
            assertEquals(List.of("UNAUTHENTICATED " + Client.ACCOUNT_DELETED), readerT.ended, "a reader for the account too");
            assertEquals(List.of(), bobT.ended);
            assertEquals(2, tokens.checks.get("Ann"), "the deleted account's token is not remembered");
            ctx.completeNow();
          })));
        }));
  }

  @Test
  void overTheRateAFrameIsRefusedThenTheConnectionEnds(Vertx vertx) {
    JsonObject config = new JsonObject().put("limits", new JsonObject()
        .put("messagesPerSecond", 0.001).put("messageBurst", 2).put("refusalsBeforeClose", 3));
    FakeTransport transport = new FakeTransport();
    Client client = connections(new SessionEngine(vertx), new FakeTokens(), config).open(transport, null);
    List<Boolean> admitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      admitted.add(client.admit());
    }
    assertEquals(List.of(true, true, false, false, false), admitted);
    assertEquals(List.of("429 " + RateGate.REFUSED, "429 " + RateGate.REFUSED), transport.refused);
    assertEquals(List.of("RATE_ABUSE " + RateGate.CLOSED), transport.ended);
  }

  @Test
  void aConnectionThatSaysNothingInTimeEndsAndOneThatSpokeDoesNot(Vertx vertx, VertxTestContext ctx) {
    Connections<FakeTransport> connections = connections(new SessionEngine(vertx), new FakeTokens(), new JsonObject());
    FakeTransport spoke = new FakeTransport();
    FakeTransport silent = new FakeTransport();
    Client speaker = connections.open(spoke, null);
    speaker.expectWithin(1, "say something"); // set first, so its timer would fire first
    connections.open(silent, null).expectWithin(1, "say something");
    speaker.heard();
    silent.endedOnce.future().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of("SILENT say something"), silent.ended);
      assertEquals(List.of(), spoke.ended);
      ctx.completeNow();
    })));
  }

  @Test
  void aConnectionCountsUntilItEndsAndHoldsItsPlaceUntilItsTransportIsGone(Vertx vertx) {
    JsonObject config = new JsonObject().put("limits", new JsonObject().put("maxConnectionsPerAddress", 1));
    Connections<FakeTransport> connections = connections(new SessionEngine(vertx), new FakeTokens(), config);
    assertNull(connections.tryOpen(FAR));
    FakeTransport transport = new FakeTransport();
    Client client = connections.open(transport, FAR);
    assertEquals(List.of(transport), connections.all());
    assertEquals(429, connections.tryOpen(FAR).status(), "the address's place is taken");
    client.closing(); // the hub ends it; the socket is still there
    assertEquals(0, connections.size(), "an ended connection no longer counts");
    assertTrue(client.isClosed());
    assertNotNull(connections.tryOpen(FAR), "its place is held until the transport is gone");
    client.closed();
    client.closed(); // a close handler running twice releases once
    assertEquals(0, Limits.of(vertx).open(), "released once, not twice");
    assertNull(connections.tryOpen(FAR), "the place is free again");
  }

  @Test
  void aLoggedInConnectionNeverSwitchesUsersNorJoinsUnderAnotherName(Vertx vertx, VertxTestContext ctx) {
    Client client = connections(new SessionEngine(vertx), new FakeTokens(), new JsonObject()).open(new FakeTransport(), null);
    assertEquals(Identity.guest("gus"), client.joiner(new JsonObject().put("username", "gus")), "a guest takes the name it gives");
    client.logIn(bearer("ann")).onComplete(ctx.succeeding(ann -> {
      client.loggedIn(ann, "expired");
      Failure.Rejected claim = assertThrows(Failure.Rejected.class, () -> client.joiner(new JsonObject().put("username", "bob")));
      client.logIn(bearer("bob")).onComplete(switched -> ctx.verify(() -> {
        assertEquals(403, claim.code);
        assertSame(ann, client.joiner(new JsonObject()), "a user joins as themselves");
        assertTrue(switched.failed());
        assertEquals(Failure.CONFLICT, ((Failure.Rejected) switched.cause()).code);
        assertEquals("this connection is logged in as 'ann': reconnect to switch users", switched.cause().getMessage());
        ctx.completeNow();
      }));
    }));
  }
}
