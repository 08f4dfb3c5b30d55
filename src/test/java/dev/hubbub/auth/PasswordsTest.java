package dev.hubbub.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {

  @Test
  void theDecoyCostsWhatARealHashCostsWithoutBeingComputedAtStart() {
    Passwords passwords = new Passwords(3000);
    String real = passwords.hash("correct horse");
    String decoy = passwords.decoy();
    // Same shape: algorithm, iteration count, salt and hash lengths; so verifying it runs 3000 iterations.
    String[] r = real.split("\\$");
    String[] d = decoy.split("\\$");
    assertEquals(r.length, d.length);
    assertEquals(r[1], d[1]);
    assertEquals("it=3000", d[2]);
    assertEquals(r[2], d[2]);
    assertEquals(r[3].length(), d[3].length());
    assertEquals(r[4].length(), d[4].length());
  }

  @Test
  void anUnknownUserNeverLogsIn() {
    Passwords passwords = new Passwords(1000);
    assertFalse(passwords.verify(null, "not a password"));
    assertFalse(passwords.verify(null, ""));
    assertTrue(passwords.verify(passwords.hash("secret-password"), "secret-password"));
    assertFalse(passwords.verify(passwords.hash("secret-password"), "secret-passwore"));
  }

  @Test
  void checkingTheDecoyTakesAsLongAsAWrongPassword() {
    Passwords passwords = new Passwords(100_000);
    String real = passwords.hash("correct horse");
    // Warm both paths, then compare the slower of several runs' minimums: the decoy must not be cheap.
    passwords.verify(real, "x");
    passwords.verify(null, "x");
    long wrong = Long.MAX_VALUE;
    long unknown = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      passwords.verify(real, "wrong");
      long t1 = System.nanoTime();
      passwords.verify(null, "wrong");
      long t2 = System.nanoTime();
      wrong = Math.min(wrong, t1 - t0);
      unknown = Math.min(unknown, t2 - t1);
    }
    assertTrue(unknown * 3 > wrong, "decoy " + unknown + " ns vs wrong password " + wrong + " ns");
  }
}
