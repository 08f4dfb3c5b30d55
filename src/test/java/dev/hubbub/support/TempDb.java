package dev.hubbub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories for test databases, removed when the test JVM exits. */
public final class TempDb {

  private TempDb() {
  }

  /** A new empty directory under the system temp dir. */
  public static Path directory() {
    try {
      Path dir = Files.createTempDirectory("hubbub-test-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL of an H2 file database in a new temporary directory. */
  public static String freshH2Url() {
    return h2Url(directory());
  }

  public static String h2Url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("hubbub").toAbsolutePath();
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: it is a temp dir
    }
  }
}
