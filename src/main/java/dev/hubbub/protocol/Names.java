package dev.hubbub.protocol;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.SpoofChecker;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What makes two usernames the same to a reader. A name is taken in its NFKC form (fullwidth {@code ａ},
 * math-bold {@code 𝐚} and {@code ⅼ} become plain letters) and must not hide anything: invisible, format and
 * bidi-control characters are refused. Two names clash when their {@link #skeleton}s are equal, the UTS #39
 * confusable skeleton computed by ICU4J's {@link SpoofChecker}, so Cyrillic {@code а}, dotless {@code ı} or
 * a combining dot do not make a new name.
 *
 * <p>The checker is built once, lazily (loading ICU's data takes some tens of milliseconds, so
 * {@link #warmUp} is called on a worker at start-up); a built {@code SpoofChecker} is immutable, and its
 * checks may be called from any thread.
 */
public final class Names {

  /** Names are unique ignoring case and compatibility forms: this is the key a name is stored and looked up under. */
  public static String key(String username) {
    return Normalizer.normalize(username, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  /** Combining marks on Latin, Greek and Cyrillic letters: an accent or dot does not make another name. */
  private static final Pattern MARKS = Pattern.compile("(?<=[\\p{IsLatin}\\p{IsGreek}\\p{IsCyrillic}])\\p{Mn}+");

  private Names() {
  }

  private static final class Checker {
    static final SpoofChecker INSTANCE = new SpoofChecker.Builder().setChecks(SpoofChecker.CONFUSABLE).build();
  }

  /** Loads ICU's confusables data; call from a worker so no event loop pays for it. */
  public static void warmUp() {
    skeleton(normalise("warm-up"));
  }

  /**
   * The NFKC form of {@code name}; a 400 when it holds an invisible, format or bidi-control character
   * (other rules, such as length and surrounding spaces, are checked on the result by the caller).
   */
  public static String normalise(String name) {
    String nfkc = Normalizer.normalize(name, Normalizer.Form.NFKC);
    if (nfkc.codePoints().anyMatch(Names::hidden)) {
      throw Failure.badRequest("username must not contain invisible, format or bidi-control characters");
    }
    return nfkc;
  }

  /**
   * The key two look-alike names share: the confusable skeleton, lower-cased (case variants are the same
   * name), with the combining marks on Latin, Greek and Cyrillic letters dropped (a dot or accent added to
   * a name does not make a new one). The skeleton is taken before lower-casing too, so a capital {@code I}
   * standing in for an {@code l} is caught.
   */
  public static String skeleton(String name) {
    SpoofChecker checker = Checker.INSTANCE;
    String decomposed = Normalizer.normalize(Normalizer.normalize(name, Normalizer.Form.NFKC), Normalizer.Form.NFD);
    String bare = MARKS.matcher(decomposed).replaceAll("");
    return checker.getSkeleton(checker.getSkeleton(bare).toLowerCase(Locale.ROOT));
  }

  /** True when a reader could take one name for the other. */
  public static boolean confusable(String a, String b) {
    return skeleton(a).equals(skeleton(b));
  }

  private static boolean hidden(int codePoint) {
    return Character.getType(codePoint) == Character.FORMAT
        || UCharacter.hasBinaryProperty(codePoint, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
        || UCharacter.hasBinaryProperty(codePoint, UProperty.BIDI_CONTROL)
        || UCharacter.hasBinaryProperty(codePoint, UProperty.VARIATION_SELECTOR);
  }
}
