package dev.hubbub.config;

import io.vertx.core.json.JsonObject;

/**
 * The typed view of the configuration. Verticles receive the raw JSON as their deployment config and
 * read it back through {@link #from(JsonObject)}, so one record describes every setting.
 */
public record HubConfig(Http http, Limits limits, History history, Db db, Sse sse, Stats stats, Bridges bridges, Tcp tcp) {

  public record Http(String host, int port, int instances) {
  }

  /**
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

  public static HubConfig from(JsonObject json) {
    JsonObject http = json.getJsonObject("http", new JsonObject());
    JsonObject limits = json.getJsonObject("limits", new JsonObject());
    JsonObject history = json.getJsonObject("history", new JsonObject());
    JsonObject db = json.getJsonObject("db", new JsonObject());
    JsonObject sse = json.getJsonObject("sse", new JsonObject());
    JsonObject stats = json.getJsonObject("stats", new JsonObject());
    JsonObject bridges = json.getJsonObject("bridges", new JsonObject());
    JsonObject tcp = json.getJsonObject("tcp", new JsonObject());
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
        new Tcp(tcp.getBoolean("enabled", true), tcp.getString("host"), tcp.getInteger("port")));
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
