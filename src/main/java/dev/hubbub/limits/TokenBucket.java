package dev.hubbub.limits;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code perSecond}; each message takes one.
 * Time is passed in (nanoseconds, any origin) so tests need no clock. Not thread-safe: the owner confines
 * it, or {@link IdentityRates} synchronizes on it.
 */
public final class TokenBucket {

  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, int burst, long now) {
    this.perNano = perSecond / 1_000_000_000.0;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one; false means the caller is over its rate. */
  public boolean tryTake(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** True when the bucket is back to its burst: it holds nothing a fresh bucket would not, so it may be dropped. */
  public boolean full(long now) {
    refill(now);
    return tokens >= burst;
  }

  private void refill(long now) {
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
    }
  }
}
