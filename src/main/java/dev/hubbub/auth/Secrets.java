package dev.hubbub.auth;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The signing secrets the operator left empty ({@code auth.jwt.secret} for HMAC tokens,
 * {@code auth.csrfSecret}), made up once and kept in {@value #FILE} in the data directory (the H2
 * database's directory, else {@code ./data}), readable by the owner only, so a restart keeps everyone's
 * sessions and pages. A configured secret always wins. With {@code db.url = memory} nothing is kept: the
 * secrets die with the process, like the accounts. Blocking file IO: call from a worker. The secrets
 * themselves are never logged.
 */
public final class Secrets {

  private static final Logger log = LoggerFactory.getLogger(Secrets.class);

  static final String FILE = "hubbub-secrets.json";
  private static final String JWT = "jwtSecret";
  private static final String CSRF = "csrfSecret";

  private Secrets() {
  }

  /** {@code config} with its empty secrets filled in (kept or newly made); the same object, changed. */
  public static JsonObject fill(JsonObject config) {
    JsonObject auth = config.getJsonObject("auth", new JsonObject());
    config.put("auth", auth);
    JsonObject jwt = auth.getJsonObject("jwt", new JsonObject());
    auth.put("jwt", jwt);
    boolean needJwt = jwt.getString("algorithm", "HS256").startsWith("HS") && jwt.getString("secret", "").isEmpty();
    boolean needCsrf = auth.getString("csrfSecret", "").isEmpty();
    if (!needJwt && !needCsrf) {
      return config;
    }
    Path dir = dataDirectory(config.getJsonObject("db", new JsonObject()).getString("url", ""));
    JsonObject kept = dir == null ? new JsonObject() : read(dir.resolve(FILE));
    boolean changed = false;
    if (needJwt && kept.getString(JWT, "").isEmpty()) {
      kept.put(JWT, random());
      changed = true;
    }
    if (needCsrf && kept.getString(CSRF, "").isEmpty()) {
      kept.put(CSRF, random());
      changed = true;
    }
    if (dir == null) {
      if (needJwt) {
        log.warn("auth.jwt.secret is not set and db.url is memory: using a random secret, so tokens will not survive a restart"
            + " (set HUBBUB_AUTH_JWT_SECRET to at least 32 random bytes)");
      }
    } else if (changed) {
      write(dir, kept);
      log.warn("auth.jwt.secret or auth.csrfSecret is not set: generated one and stored it in {} (owner-only), so restarts"
          + " keep sessions; keep that file private, or set HUBBUB_AUTH_JWT_SECRET / HUBBUB_AUTH_CSRF_SECRET",
          dir.resolve(FILE).toAbsolutePath());
    } else {
      log.info("using the signing secrets kept in {}", dir.resolve(FILE).toAbsolutePath());
    }
    if (needJwt) {
      jwt.put("secret", kept.getString(JWT));
    }
    if (needCsrf) {
      auth.put("csrfSecret", kept.getString(CSRF));
    }
    return config;
  }

  /** Where the H2 database lives, {@code ./data} for another database, null for the in-memory one. */
  static Path dataDirectory(String dbUrl) {
    if (dbUrl.isEmpty() || dbUrl.equals("memory")) {
      return null;
    }
    String lower = dbUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      String path = dbUrl.substring("jdbc:h2:".length());
      if (path.toLowerCase(Locale.ROOT).startsWith("file:")) {
        path = path.substring("file:".length());
      } else if (path.matches("(?i)(mem|tcp|ssl|zip|nio\\w*|split|async|retry):.*")) {
        return path.toLowerCase(Locale.ROOT).startsWith("mem:") ? null : Path.of("data");
      }
      int options = path.indexOf(';');
      path = options >= 0 ? path.substring(0, options) : path;
      if (path.startsWith("~")) {
        path = System.getProperty("user.home") + path.substring(1);
      }
      Path parent = Path.of(path).toAbsolutePath().normalize().getParent();
      return parent == null ? Path.of("data") : parent;
    }
    return Path.of("data");
  }

  private static JsonObject read(Path file) {
    try {
      return Files.exists(file) ? new JsonObject(Files.readString(file, StandardCharsets.UTF_8)) : new JsonObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the kept secrets in " + file + ": " + e.getMessage()
          + " (fix or remove the file, or set the secrets in the configuration)", e);
    }
  }

  /** Writes owner-only to a temporary file first, then moves it in place, so a reader never sees half a file. */
  private static void write(Path dir, JsonObject kept) {
    try {
      Files.createDirectories(dir);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      Path temp = posix
          ? Files.createTempFile(dir, FILE, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, FILE, ".tmp");
      Files.writeString(temp, kept.encodePrettily(), StandardCharsets.UTF_8);
      Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the generated secrets in " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
