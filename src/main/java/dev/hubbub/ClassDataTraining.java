package dev.hubbub;

import io.vertx.core.json.JsonObject;

import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The build's training run for the class-data-sharing archive ({@code target/hubbub.jsa}, see the README's
 * start-up note): the packaged jar runs {@code java -XX:ArchiveClassesAtExit=... -cp hubbub.jar} this class,
 * which starts a hub through {@link Main} on its shipped defaults (a fresh H2 database in the directory
 * given, {@code target/cds-training}, or a temp one; free ports), waits for its first {@code /health} 200, and exits; the JVM then writes every class it loaded
 * on the way into the archive, so a launch with {@code -XX:SharedArchiveFile} maps them instead of loading them.
 */
public final class ClassDataTraining {

  private ClassDataTraining() {
  }

  public static void main(String[] args) throws Exception {
    // A fresh directory each time (the build passes target/cds-training): a database left from the last
    // training would skip Flyway, and Flyway's classes would be missing from the archive.
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("hubbub-cds-training");
    Path marker = dir.resolve(".hubbub-cds-training");
    if (Files.exists(dir) && !Files.exists(marker) && !isEmpty(dir)) {
      System.err.println("hubbub: " + dir + " is not empty and not a training directory: give an empty or new one");
      System.exit(2);
    }
    if (Files.exists(marker)) { // only a directory this class made is emptied
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    Files.createFile(marker);
    int http = freePort();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", http))
        .put("tcp", new JsonObject().put("port", freePort()))
        .put("db", new JsonObject().put("url", "jdbc:h2:file:" + dir.resolve("data/hubbub").toAbsolutePath()));
    Path file = Files.writeString(dir.resolve("config.json"), config.encode());
    Main.main(new String[] {"-conf", file.toString()});
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!healthy(http)) {
      if (System.nanoTime() > deadline) {
        System.err.println("hubbub: the class-data training hub gave no /health 200 within 120 s");
        System.exit(1);
      }
      Thread.sleep(50); // polling the hub this process started; there is nothing to wait on
    }
    System.exit(0); // the shutdown hook stops the hub; the JVM then writes the archive
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static boolean healthy(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
