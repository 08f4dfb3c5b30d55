package dev.hubbub.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Password hashing with PBKDF2-HMAC-SHA512 from vertx-auth-common, stored as a PHC string
 * ({@code $pbkdf2$it=N$salt$hash}) so the iteration count can be raised later without breaking old hashes.
 * Deliberately slow: call it on a worker thread, never on an event loop.
 */
final class Passwords {

  static final String ALGORITHM = "pbkdf2";
  private static final int SALT_BYTES = 16;

  private final HashingStrategy strategy = HashingStrategy.load();
  private final SecureRandom random = new SecureRandom();
  private final int iterations;
  /**
   * Compared against when the user does not exist, so an unknown name costs as long as a wrong password:
   * a PHC string with our iteration count and a random salt, whose hash part matches no password. It is
   * made from a one-iteration hash with the count rewritten, so building it costs nothing at start-up.
   */
  private final String decoy;

  Passwords(int iterations) {
    this.iterations = iterations;
    String cheap = strategy.hash(ALGORITHM, Map.of("it", "1"), salt(), "not a password " + random.nextLong());
    this.decoy = cheap.replace("$it=1$", "$it=" + iterations + "$");
  }

  String hash(String password) {
    return strategy.hash(ALGORITHM, Map.of("it", Integer.toString(iterations)), salt(), password);
  }

  /** Constant-time comparison (vertx-auth-common); a null hash checks against the decoy and fails. */
  boolean verify(String hash, String password) {
    boolean matches = strategy.verify(hash == null ? decoy : hash, password);
    return hash != null && matches;
  }

  /** What {@link #verify} checks a null hash against; for tests. */
  String decoy() {
    return decoy;
  }

  private String salt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return Base64.getEncoder().withoutPadding().encodeToString(salt);
  }
}
