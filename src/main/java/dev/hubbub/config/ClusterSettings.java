package dev.hubbub.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code cluster} settings (environment {@code HUBBUB_CLUSTER_*}, see {@link ConfigLoader}).
 *
 * @param enabled          join a cluster at start-up (false: a single hub, as before)
 * @param host             the interface Hazelcast and the clustered event bus bind and advertise
 * @param port             the Hazelcast member port; the event bus listens on the next one ({@code port + 1})
 * @param members          the {@code host:port} of members to join over TCP/IP (never multicast); may include this one
 * @param name             the cluster name, so two clusters on one network stay apart
 * @param failureTimeoutMs how long a silent member is kept before it is declared dead: its members leave the
 *                         rosters and its rooms move (bounded below by 2 s: heartbeats are every second)
 */
public record ClusterSettings(boolean enabled, String host, int port, List<String> members, String name, int failureTimeoutMs) {

  public static ClusterSettings from(JsonObject config) {
    JsonObject cluster = config.getJsonObject("cluster", new JsonObject());
    boolean enabled = cluster.getBoolean("enabled", false);
    String host = cluster.getString("host", "127.0.0.1").strip();
    if (host.isEmpty()) {
      throw new IllegalArgumentException("cluster.host (HUBBUB_CLUSTER_HOST) must name an interface, e.g. 127.0.0.1 or 10.0.0.5");
    }
    int port = cluster.getInteger("port", 5701);
    if (port < 1 || port > 65_534) {
      throw new IllegalArgumentException("cluster.port (HUBBUB_CLUSTER_PORT) must be a port from 1 to 65534"
          + " (the event bus takes the next one), got " + port);
    }
    String name = cluster.getString("name", "hubbub").strip();
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("cluster.name (HUBBUB_CLUSTER_NAME) must be 1-64 letters, digits, '.', '_' or '-', got '"
          + name + "'");
    }
    int timeout = cluster.getInteger("failureTimeoutMs", 8000);
    if (timeout < 2000) {
      throw new IllegalArgumentException("cluster.failureTimeoutMs (HUBBUB_CLUSTER_FAILURE_TIMEOUT_MS) must be at least 2000, got "
          + timeout);
    }
    List<String> members = members(cluster.getString("members", ""));
    if (enabled && members.isEmpty()) {
      throw new IllegalArgumentException("cluster.members (HUBBUB_CLUSTER_MEMBERS) must list at least one host:port to join,"
          + " e.g. 10.0.0.5:5701,10.0.0.6:5701 (this node's own address is fine for the first node)");
    }
    return new ClusterSettings(enabled, host, port, members, name, timeout);
  }

  /**
   * Why {@code config} cannot run clustered, in one line, or null when it can: every node must share the
   * database (a private embedded H2 file or the in-memory store would give each node its own history) and
   * sign with the same secrets (a generated one is kept per data directory).
   */
  public static String refusal(HubConfig config) {
    String url = config.db().url();
    String lower = url.toLowerCase(Locale.ROOT);
    if (config.db().inMemory() || lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:")) {
      return "cluster.enabled needs a database every node shares, but db.url (HUBBUB_DB_URL) is " + redact(url)
          + ", private to this process: use PostgreSQL (jdbc:postgresql://host:5432/hubbub) or an H2 server"
          + " (jdbc:h2:tcp://host:9092/hubbub, see the README's Clustering section)";
    }
    if (config.auth().jwt().hmac() && config.auth().jwt().secret().isEmpty() || config.auth().csrfSecret().isEmpty()) {
      return "cluster.enabled needs the same auth.jwt.secret and auth.csrfSecret on every node (HUBBUB_AUTH_JWT_SECRET,"
          + " HUBBUB_AUTH_CSRF_SECRET), or a node would refuse the tokens and forms of another: set both, e.g. openssl rand -base64 48";
    }
    return null;
  }

  private static String redact(String url) {
    int cut = url.indexOf(';');
    return cut < 0 ? url : url.substring(0, cut);
  }

  /** The event-bus port: the one after Hazelcast's, so one setting places both. */
  public int busPort() {
    return port + 1;
  }

  private static List<String> members(String value) {
    List<String> members = new ArrayList<>();
    for (String raw : value.split(",")) {
      String member = raw.strip();
      if (member.isEmpty()) {
        continue;
      }
      int colon = member.lastIndexOf(':');
      String portText = colon < 0 ? "" : member.substring(colon + 1);
      if (colon <= 0 || !portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65_535) {
        throw new IllegalArgumentException("cluster.members (HUBBUB_CLUSTER_MEMBERS) must be comma-separated host:port, got '"
            + member + "'");
      }
      members.add(member);
    }
    return List.copyOf(members);
  }
}
