package dev.hubbub.limits;

import dev.hubbub.metrics.HubMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rate and connection limits on their own: a clock passed in, no sockets. */
class LimitsUnitTest {

  private static final long SECOND = 1_000_000_000L;

  private static LimitSettings settings(JsonObject limits) {
    return LimitSettings.from(new JsonObject().put("limits", limits));
  }

  private static double rateHits() {
    return HubMetrics.get().registry().get("hubbub.rate.limit.hits").counter().count();
  }

  private static double connectionHits() {
    return HubMetrics.get().registry().get("hubbub.connection.limit.hits").counter().count();
  }

  @Test
  void aBucketGivesItsBurstThenRefillsAtItsRate() {
    TokenBucket bucket = new TokenBucket(2, 3, 0);
    assertTrue(bucket.tryTake(0));
    assertTrue(bucket.tryTake(0));
    assertTrue(bucket.tryTake(0));
    assertFalse(bucket.tryTake(0), "the burst is spent");
    assertTrue(bucket.tryTake(SECOND / 2), "half a second at 2/s is one token");
    assertFalse(bucket.tryTake(SECOND / 2));
    assertFalse(bucket.full(SECOND));
    assertTrue(bucket.full(10 * SECOND), "it never holds more than its burst");
    assertTrue(bucket.tryTake(10 * SECOND) && bucket.tryTake(10 * SECOND) && bucket.tryTake(10 * SECOND));
    assertFalse(bucket.tryTake(10 * SECOND));
  }

  @Test
  void aConnectionOverItsRateIsRefusedThenClosedWhenItKeepsOn() {
    LimitSettings limits = settings(new JsonObject().put("messagesPerSecond", 1).put("messageBurst", 2).put("refusalsBeforeClose", 3));
    RateGate gate = new RateGate(new Limits(), limits, 0);
    double before = rateHits();
    assertEquals(RateGate.Verdict.PASS, gate.message(null, 0));
    assertEquals(RateGate.Verdict.PASS, gate.message(null, 0));
    assertEquals(RateGate.Verdict.REFUSE, gate.message(null, 0));
    assertEquals(RateGate.Verdict.REFUSE, gate.message(null, 0));
    assertEquals(RateGate.Verdict.PASS, gate.message(null, SECOND), "a pause lets it through and resets the count");
    assertEquals(RateGate.Verdict.REFUSE, gate.message(null, SECOND));
    assertEquals(RateGate.Verdict.REFUSE, gate.message(null, SECOND));
    assertEquals(RateGate.Verdict.CLOSE, gate.message(null, SECOND), "three refusals in a row");
    assertEquals(before + 5, rateHits());
  }

  @Test
  void anIdentityIsLimitedAcrossItsConnections() {
    Limits shared = new Limits();
    LimitSettings limits = settings(new JsonObject().put("identityMessagesPerSecond", 1).put("identityMessageBurst", 2));
    RateGate first = new RateGate(shared, limits, 0);
    RateGate second = new RateGate(shared, limits, 0);
    assertEquals(RateGate.Verdict.PASS, first.message("guest:ann", 0));
    assertEquals(RateGate.Verdict.PASS, second.message("guest:ann", 0));
    assertEquals(RateGate.Verdict.REFUSE, first.message("guest:ann", 0), "ann's burst is spent, on whichever connection");
    assertEquals(RateGate.Verdict.PASS, second.message("guest:bob", 0), "another identity has its own");
  }

  @Test
  void identitiesWithRefilledBucketsAreSweptOut() {
    Limits shared = new Limits();
    LimitSettings limits = settings(new JsonObject());
    for (int i = 0; i < Limits.SWEEP_AT + 10; i++) {
      shared.tryMessage(limits, "guest:g" + i, i * SECOND / 100); // 10 ms apart: earlier buckets have refilled
    }
    assertTrue(shared.identities() < Limits.SWEEP_AT, "tracked: " + shared.identities());
  }

  @Test
  void connectionsAreCappedInTotalAndPerAddress() {
    Limits shared = new Limits();
    LimitSettings limits = settings(new JsonObject().put("maxConnections", 3).put("maxConnectionsPerAddress", 2)
        .put("exemptAddresses", "10.0.0.9"));
    SocketAddress a = SocketAddress.inetSocketAddress(1000, "10.0.0.1");
    SocketAddress b = SocketAddress.inetSocketAddress(1000, "10.0.0.2");
    SocketAddress exempt = SocketAddress.inetSocketAddress(1000, "10.0.0.9");
    double before = connectionHits();
    assertNull(shared.tryOpen(limits, a));
    assertNull(shared.tryOpen(limits, a));
    Limits.Refusal perAddress = shared.tryOpen(limits, a);
    assertNotNull(perAddress);
    assertEquals(429, perAddress.status());
    assertNull(shared.tryOpen(limits, b));
    Limits.Refusal full = shared.tryOpen(limits, exempt);
    assertNotNull(full, "the total applies to exempt addresses too");
    assertEquals(503, full.status());
    assertEquals(before + 2, connectionHits());
    shared.release(limits, a);
    shared.release(limits, b);
    assertNull(shared.tryOpen(limits, exempt));
    assertNull(shared.tryOpen(limits, a), "a released place is free again");
    assertEquals(3, shared.open());
    shared.release(limits, a);
    shared.release(limits, a);
    shared.release(limits, exempt);
    assertEquals(0, shared.open());
    assertEquals(0, shared.addresses(), "an address with no connection costs no entry");
  }

  @Test
  void everyLimitIsInTheDefaultsAndTakesAnEnvironmentOverride() {
    JsonObject config = dev.hubbub.config.ConfigLoader.load(java.nio.file.Path.of("no-such-config.json"), false,
        java.util.Map.of("HUBBUB_LIMITS_MAX_CONNECTIONS_PER_ADDRESS", "7", "HUBBUB_LIMITS_EXEMPT_ADDRESSES", ""));
    LimitSettings limits = dev.hubbub.config.HubConfig.from(config).abuse();
    assertEquals(7, limits.maxConnectionsPerAddress());
    assertTrue(limits.exemptAddresses().isEmpty());
    assertEquals(LimitSettings.from(new JsonObject()).roomHeads(), limits.roomHeads(), "the defaults file and the code agree");
  }

  @Test
  void defaultsExemptLoopbackAndRefuseNonsense() {
    LimitSettings defaults = settings(new JsonObject());
    assertTrue(defaults.exemptAddresses().contains("127.0.0.1"));
    assertTrue(defaults.maxConnections() >= 20_000, "the benchmark holds 20,000 idle connections");
    try {
      settings(new JsonObject().put("maxConnections", 0));
      throw new AssertionError("0 accepted");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("limits.maxConnections"), e.getMessage());
    }
  }
}
