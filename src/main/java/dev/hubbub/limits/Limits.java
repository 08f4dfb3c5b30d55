package dev.hubbub.limits;

import dev.hubbub.metrics.HubMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the limits count across every transport and event loop of one hub process: open connections (in
 * total and per client address) and the message rate of each identity. One per Vert.x instance, found in
 * its local shared data, so the WebSocket, SSE, SockJS and TCP instances of all event loops share it.
 * Thread-safe; every refusal is counted in {@link HubMetrics}.
 */
public final class Limits implements Shareable {

  /**
   * A connection refused: {@code status} 503 when the hub is full, 429 when the client's address is; the
   * transport answers with it (HTTP status, bridge {@code err} code) or its close-code equivalent.
   */
  public record Refusal(int status, String reason) {
  }

  private static final String KEY = "hubbub.limits";
  /** Identities tracked before idle (full) buckets are swept out. */
  static final int SWEEP_AT = 10_000;

  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> socketsPerAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> identities = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> creators = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> creatingAddresses = new ConcurrentHashMap<>();
  private volatile int sweepAt = SWEEP_AT;

  public static Limits of(Vertx vertx) {
    return (Limits) vertx.sharedData().getLocalMap(KEY).computeIfAbsent(KEY, k -> new Limits());
  }

  /**
   * Counts a new connection from {@code address}, or refuses it: the refusal for the client, or null when it
   * is admitted. An admitted connection must be {@link #release released} exactly once when it closes.
   */
  public Refusal tryOpen(LimitSettings settings, SocketAddress address) {
    String host = host(address);
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      HubMetrics.get().connectionRefused();
      return new Refusal(503, "too many connections: the hub is full, try again later");
    }
    if (!settings.exemptAddresses().contains(host) && !admit(perAddress, host, settings.maxConnectionsPerAddress())) {
      open.decrementAndGet();
      HubMetrics.get().connectionRefused();
      return new Refusal(429, "too many connections from your address: at most " + settings.maxConnectionsPerAddress());
    }
    return null;
  }

  /** A connection admitted by {@link #tryOpen} closed. */
  public void release(LimitSettings settings, SocketAddress address) {
    String host = host(address);
    if (!settings.exemptAddresses().contains(host)) {
      leave(perAddress, host);
    }
    open.decrementAndGet();
  }

  /**
   * Counts a new TCP connection to the HTTP port from {@code host}, before it has sent a byte; false (and
   * counted as a connection-limit hit) when the address already holds {@link LimitSettings#maxSocketsPerAddress},
   * and the caller closes it at once. Silent sockets are what exhaust file descriptors: this bounds what one
   * address can hold, whatever it sends. An admitted socket must be {@link #releaseSocket released} once.
   */
  public boolean tryOpenSocket(LimitSettings settings, String host) {
    if (settings.exemptAddresses().contains(host)) {
      return true;
    }
    if (!admit(socketsPerAddress, host, settings.maxSocketsPerAddress())) {
      HubMetrics.get().connectionRefused();
      return false;
    }
    return true;
  }

  /** A socket admitted by {@link #tryOpenSocket} closed. */
  public void releaseSocket(LimitSettings settings, String host) {
    if (!settings.exemptAddresses().contains(host)) {
      leave(socketsPerAddress, host);
    }
  }

  /**
   * Counts one more for {@code host} unless it holds {@code max} already; the check and the count are one
   * atomic step. (A counter object read outside the map could be dropped by a concurrent last release,
   * leaving a connection counted nowhere and the address one over its cap.)
   */
  private static boolean admit(ConcurrentHashMap<String, Integer> counts, String host, int max) {
    boolean[] admitted = {false};
    counts.compute(host, (h, n) -> {
      int held = n == null ? 0 : n;
      admitted[0] = held < max;
      return admitted[0] ? held + 1 : n;
    });
    return admitted[0];
  }

  /** Counts one less; the entry goes with its last connection, so addresses seen once cost nothing afterwards. */
  private static void leave(ConcurrentHashMap<String, Integer> counts, String host) {
    counts.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
  }

  /** True when {@code identity} may send one more message now; false (and counted) when it is over its rate. */
  public boolean tryMessage(LimitSettings settings, String identity, long now) {
    return take(identities, identity, now, () -> new TokenBucket(settings.identityMessagesPerSecond(), settings.identityMessageBurst(), now));
  }

  /**
   * True when {@code identity} (null: unnamed, one shared budget) from {@code address} may create one more room
   * now, that is write the first message of a room without history; false (and counted) when the address is over
   * {@link LimitSettings#roomsPerMinutePerAddress} (a guest can take a new name for every room, not a new
   * address) or the identity over {@link LimitSettings#roomsPerMinute}. A null address (a command from inside
   * the hub) and an exempt one are not counted per address.
   */
  public boolean tryCreateRoom(LimitSettings settings, String identity, String address, long now) {
    if (address != null && !settings.exemptAddresses().contains(address)
        && !take(creatingAddresses, address, now,
            () -> new TokenBucket(settings.roomsPerMinutePerAddress() / 60.0, settings.roomBurstPerAddress(), now))) {
      return false;
    }
    return take(creators, identity == null ? "" : identity, now,
        () -> new TokenBucket(settings.roomsPerMinute() / 60.0, settings.roomBurst(), now));
  }

  private boolean take(ConcurrentHashMap<String, TokenBucket> buckets, String key, long now,
                       java.util.function.Supplier<TokenBucket> fresh) {
    if (buckets.size() >= sweepAt) {
      sweep(buckets, now);
    }
    TokenBucket bucket = buckets.computeIfAbsent(key, k -> fresh.get());
    boolean taken;
    synchronized (bucket) {
      taken = bucket.tryTake(now);
    }
    if (!taken) {
      HubMetrics.get().rateLimited();
    }
    return taken;
  }

  /** Drops identities whose bucket has refilled: a fresh bucket would be the same. */
  private synchronized void sweep(ConcurrentHashMap<String, TokenBucket> buckets, long now) {
    if (buckets.size() < sweepAt) {
      return;
    }
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return e.getValue().full(now);
      }
    });
    sweepAt = Math.max(SWEEP_AT, 2 * Math.max(identities.size(), Math.max(creators.size(), creatingAddresses.size())));
  }

  /** Open connections counted now (for tests and the README's figures). */
  public int open() {
    return open.get();
  }

  /** Addresses with an open connection counted against their cap. */
  public int addresses() {
    return perAddress.size();
  }

  public int identities() {
    return identities.size();
  }

  private static String host(SocketAddress address) {
    return address == null || address.hostAddress() == null ? "" : address.hostAddress();
  }
}
