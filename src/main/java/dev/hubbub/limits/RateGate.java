package dev.hubbub.limits;

import dev.hubbub.metrics.HubMetrics;

/**
 * The message rate of one connection, whatever its transport: its own token bucket, then its identity's
 * (shared by all of that identity's connections, see {@link Limits#tryMessage}). A client over either rate
 * is refused (the transport answers 429); one that keeps sending while refused
 * ({@link LimitSettings#refusalsBeforeClose} refusals in a row) is to be closed with 1008. Confined to the
 * connection's event loop.
 */
public final class RateGate {

  /** What to do with a message. */
  public enum Verdict { PASS, REFUSE, CLOSE }

  public static final String REFUSED = "rate limit: too many messages, slow down";
  public static final String CLOSED = "rate limit exceeded repeatedly";

  private final Limits limits;
  private final LimitSettings settings;
  private final TokenBucket bucket;
  private int refusals;

  public RateGate(Limits limits, LimitSettings settings, long now) {
    this.limits = limits;
    this.settings = settings;
    this.bucket = new TokenBucket(settings.messagesPerSecond(), settings.messageBurst(), now);
  }

  /** One message from this connection acting as {@code identity} (null: not known yet, only the connection counts). */
  public Verdict message(String identity, long now) {
    boolean admitted;
    if (!bucket.tryTake(now)) {
      HubMetrics.get().rateLimited();
      admitted = false;
    } else {
      admitted = identity == null || limits.tryMessage(settings, identity, now);
    }
    if (admitted) {
      refusals = 0;
      return Verdict.PASS;
    }
    return ++refusals >= settings.refusalsBeforeClose() ? Verdict.CLOSE : Verdict.REFUSE;
  }
}
