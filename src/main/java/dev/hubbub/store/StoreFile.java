package dev.hubbub.store;

import java.nio.file.Path;

/** Where an embedded H2 database keeps its data, so the hub can notice the file being deleted under it. */
public final class StoreFile {

  private StoreFile() {
  }

  /** The file of an embedded H2 database ({@code jdbc:h2:file:path} or {@code jdbc:h2:./path}), else null. */
  public static Path of(String url) {
    if (!url.startsWith("jdbc:h2:")) {
      return null;
    }
    String rest = url.substring("jdbc:h2:".length());
    int options = rest.indexOf(';');
    if (options >= 0) {
      rest = rest.substring(0, options);
    }
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    } else if (rest.contains(":")) {
      return null; // mem:, tcp:, ssl:, zip:...
    }
    if (rest.startsWith("~")) {
      rest = System.getProperty("user.home") + rest.substring(1);
    }
    return Path.of(rest + ".mv.db");
  }
}
