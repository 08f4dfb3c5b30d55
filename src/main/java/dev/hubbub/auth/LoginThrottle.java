package dev.hubbub.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logins per account and per client address over a fixed window; past either limit, logins
 * are refused until the window ends, without even checking the password. Memory is bounded: each map keeps
 * at most {@link #MAX_TRACKED} keys, dropping the least recently failed first. Confined to one verticle.
 */
final class LoginThrottle {

  static final int MAX_TRACKED = 10_000;

  private final int maxPerAccount;
  private final int maxPerAddress;
  private final long windowMs;
  private final Map<String, Window> accounts = lru();
  private final Map<String, Window> addresses = lru();

  private static final class Window {
    long start;
    int failures;
  }

  LoginThrottle(int maxPerAccount, int maxPerAddress, long windowMs) {
    this.maxPerAccount = maxPerAccount;
    this.maxPerAddress = maxPerAddress;
    this.windowMs = windowMs;
  }

  /** Milliseconds until a login for this account from this address may be tried again; 0 when it may now. */
  long retryAfterMs(String accountKey, String address, long now) {
    return Math.max(blockedFor(accounts, accountKey, maxPerAccount, now), blockedFor(addresses, address, maxPerAddress, now));
  }

  void failed(String accountKey, String address, long now) {
    count(accounts, accountKey, now);
    count(addresses, address, now);
  }

  /** A good password clears the account's count; the address keeps its count, so guessing across accounts is still limited. */
  void succeeded(String accountKey) {
    accounts.remove(accountKey);
  }

  private long blockedFor(Map<String, Window> map, String key, int max, long now) {
    Window w = key == null ? null : map.get(key);
    if (w == null || now - w.start >= windowMs || w.failures < max) {
      return 0;
    }
    return w.start + windowMs - now;
  }

  private void count(Map<String, Window> map, String key, long now) {
    if (key == null) {
      return;
    }
    Window w = map.remove(key); // re-inserted: most recently failed last
    if (w == null || now - w.start >= windowMs) {
      w = new Window();
      w.start = now;
    }
    w.failures++;
    map.put(key, w);
  }

  private static Map<String, Window> lru() {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
        return size() > MAX_TRACKED;
      }
    };
  }
}
