package dev.hubbub.config;

import dev.hubbub.limits.LimitSettings;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The typed view of the configuration. Verticles receive the raw JSON as their deployment config and
 * read it back through {@link #from(JsonObject)}, so one record describes every setting.
 */
public record HubConfig(Http http, Limits limits, History history, Db db, Sse sse, Stats stats, Bridges bridges, Tcp tcp, Auth auth,
                        LimitSettings abuse) {

  public record Http(String host, int port, int instances) {
  }

  /**
   * The sizes of the {@code limits} block; its rates, caps and timeouts are {@link HubConfig#abuse()}.
   *
   * @param maxFrameBytes      largest WebSocket frame or message accepted; larger ones close the socket with 1009
   * @param maxTextChars       longest chat text accepted
   * @param outboundQueueBytes how much a connection may have pending before it counts as a slow consumer
   */
  public record Limits(int maxFrameBytes, int maxTextChars, int outboundQueueBytes) {
  }

  /**
   * @param replayLimit  how many persisted events a join without {@code since} replays
   * @param resumeLimit  the most events a resume with {@code since} replays; past it the latest are sent, marked truncated
   * @param memoryWindow how many events per room the in-memory store keeps
   */
  public record History(int replayLimit, int resumeLimit, int memoryWindow) {
  }

  /**
   * Where history is kept.
   *
   * @param url         a JDBC URL ({@code jdbc:h2:file:...} by default, {@code jdbc:postgresql://...} for PostgreSQL),
   *                    or {@value #MEMORY} for the in-memory store that forgets everything on restart
   * @param user        database user
   * @param password    database password
   * @param maxPoolSize most connections the JDBC pool opens
   */
  public record Db(String url, String user, String password, int maxPoolSize) {

    public static final String MEMORY = "memory";

    public boolean inMemory() {
      return MEMORY.equals(url);
    }
  }

  /** @param maxRegistrations room feeds one event-bus bridge connection may register at once */
  public record Bridges(int maxRegistrations) {
  }

  /** The TCP event-bus bridge; {@code enabled: false} opens no port. */
  public record Tcp(boolean enabled, String host, int port) {
  }

  /**
   * @param keepAliveMs how often an idle event stream gets a comment line, so proxies and browsers keep it open
   * @param retryMs     the reconnection delay an event stream suggests to its client ({@code retry:})
   */
  public record Sse(int keepAliveMs, int retryMs) {
  }

  /** @param intervalMs how often the live figures (dashboard) are computed and published */
  public record Stats(int intervalMs) {
  }

  /**
   * Who may do what (see README.issue6.md).
   *
   * @param guests                    whether clients without a token may read public rooms and post under a guest name
   * @param jwt                       how tokens are signed and verified
   * @param allowedOrigins            origins a cookie-authenticated WebSocket may come from; empty: the Host's own
   * @param admins                    usernames that hold the {@code admin} role
   * @param passwordIterations        PBKDF2-HMAC-SHA512 iterations for new password hashes
   * @param csrfSecret                signs CSRF tokens; empty: one generated and kept in the data directory
   * @param maxFailedLogins           failed logins per account within the window before it is locked for the rest of it
   * @param maxFailedLoginsPerAddress failed logins per client address within the window
   * @param failedLoginWindowSeconds  the window those limits count over
   */
  public record Auth(boolean guests, Jwt jwt, List<String> allowedOrigins, Set<String> admins, int passwordIterations,
                     String csrfSecret, int maxFailedLogins, int maxFailedLoginsPerAddress, int failedLoginWindowSeconds) {

    public static final String ADMIN = "admin";
  }

  /**
   * @param algorithm      HS256/HS384/HS512 (shared {@code secret}) or RS256/ES256... (PEM key files)
   * @param secret         the HMAC secret, at least {@value HubConfig#MIN_SECRET_BYTES} bytes; empty: one generated
   *                       and kept in the data directory
   * @param privateKeyPath PEM (PKCS#8) private key that signs tokens, for RS/ES/PS algorithms
   * @param publicKeyPath  PEM public key that verifies them
   * @param jwksUrl        a JWKS document whose keys also verify tokens (e.g. from an identity provider)
   * @param issuer         the {@code iss} of issued tokens, required on verified ones
   * @param expirySeconds  how long an issued token is valid
   */
  public record Jwt(String algorithm, String secret, String privateKeyPath, String publicKeyPath, String jwksUrl, String issuer,
                    int expirySeconds) {

    public boolean hmac() {
      return algorithm.startsWith("HS");
    }
  }

  /** The shortest HMAC secret accepted (RFC 7518 §3.2: at least the hash's size, 256 bits for HS256). */
  public static final int MIN_SECRET_BYTES = 32;

  public static HubConfig from(JsonObject json) {
    JsonObject http = json.getJsonObject("http", new JsonObject());
    JsonObject limits = json.getJsonObject("limits", new JsonObject());
    JsonObject history = json.getJsonObject("history", new JsonObject());
    JsonObject db = json.getJsonObject("db", new JsonObject());
    JsonObject sse = json.getJsonObject("sse", new JsonObject());
    JsonObject stats = json.getJsonObject("stats", new JsonObject());
    JsonObject bridges = json.getJsonObject("bridges", new JsonObject());
    JsonObject tcp = json.getJsonObject("tcp", new JsonObject());
    JsonObject auth = json.getJsonObject("auth", new JsonObject());
    return new HubConfig(
        new Http(http.getString("host"), http.getInteger("port"), http.getInteger("instances", 0)),
        new Limits(
            positive(limits, "maxFrameBytes"),
            positive(limits, "maxTextChars"),
            positive(limits, "outboundQueueBytes")),
        new History(positive(history, "replayLimit"), positive(history, "resumeLimit"), positive(history, "memoryWindow")),
        new Db(dbUrl(db), optional(db, "user"), optional(db, "password"), positive(db, "maxPoolSize")),
        new Sse(positive(sse, "keepAliveMs"), positive(sse, "retryMs")),
        new Stats(positive(stats, "intervalMs")),
        new Bridges(positive(bridges, "maxRegistrations")),
        new Tcp(tcp.getBoolean("enabled", true), tcp.getString("host"), tcp.getInteger("port")),
        auth(auth),
        LimitSettings.from(json));
  }

  private static Auth auth(JsonObject auth) {
    JsonObject jwt = auth.getJsonObject("jwt", new JsonObject());
    String algorithm = jwt.getString("algorithm", "HS256");
    if (!algorithm.matches("(HS|RS|ES|PS)(256|384|512)")) {
      throw new IllegalArgumentException("config auth.jwt.algorithm must be one of HS256, RS256, ES256 (or their 384/512 forms), got " + algorithm);
    }
    Jwt keys = new Jwt(algorithm, optional(jwt, "secret"), optional(jwt, "privateKeyPath"), optional(jwt, "publicKeyPath"),
        optional(jwt, "jwksUrl"), optional(jwt, "issuer"), positive(jwt, "expirySeconds"));
    int secretBytes = keys.secret().getBytes(StandardCharsets.UTF_8).length;
    if (keys.hmac() && !keys.secret().isEmpty() && secretBytes < MIN_SECRET_BYTES) {
      // A short HMAC secret can be guessed offline from any one token, and then tokens forged for anyone.
      throw new IllegalArgumentException("config auth.jwt.secret (HUBBUB_AUTH_JWT_SECRET) is " + secretBytes + " bytes: an "
          + algorithm + " secret needs at least " + MIN_SECRET_BYTES + " random bytes (e.g. openssl rand -base64 48),"
          + " or leave it empty for one generated and kept in the data directory");
    }
    if (!keys.hmac() && (keys.privateKeyPath().isEmpty() || keys.publicKeyPath().isEmpty())) {
      throw new IllegalArgumentException("config auth.jwt." + algorithm + " needs privateKeyPath and publicKeyPath (PEM files)");
    }
    return new Auth(auth.getBoolean("guests", true), keys, list(optional(auth, "allowedOrigins")),
        new LinkedHashSet<>(list(optional(auth, "admins"))), positive(auth, "passwordIterations"), optional(auth, "csrfSecret"),
        positive(auth, "maxFailedLogins"), positive(auth, "maxFailedLoginsPerAddress"), positive(auth, "failedLoginWindowSeconds"));
  }

  /** A comma-separated setting (so one environment variable can hold it), blanks dropped. */
  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String dbUrl(JsonObject db) {
    String url = db.getString("url");
    if (url == null || !(url.equals(Db.MEMORY) || url.startsWith("jdbc:"))) {
      throw new IllegalArgumentException("config db.url must be a JDBC URL (jdbc:...) or \"" + Db.MEMORY + "\", got " + url);
    }
    return url;
  }

  /** A string setting that may be absent or null, read as empty. */
  private static String optional(JsonObject node, String key) {
    String value = node.getString(key);
    return value == null ? "" : value;
  }

  private static int positive(JsonObject node, String key) {
    Integer value = node.getInteger(key);
    if (value == null || value <= 0) {
      throw new IllegalArgumentException("config " + key + " must be a positive number, got " + value);
    }
    return value;
  }
}
