package dev.hubbub.startup;

import dev.hubbub.config.ClusterSettings;
import dev.hubbub.config.HubConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Turns a failed start into one line an operator can act on: which port and setting is busy, which data
 * directory another hub holds. Anything else keeps its own message (still one line, no stack trace).
 */
public final class StartupFailure {

  private StartupFailure() {
  }

  public static String describe(Throwable failure, HubConfig config) {
    if (isBind(failure)) {
      if (busy(config.http().host(), config.http().port())) {
        return portInUse(config.http().host(), config.http().port(), "http.port", "HUBBUB_HTTP_PORT");
      }
      if (config.tcp().enabled() && busy(config.tcp().host(), config.tcp().port())) {
        return portInUse(config.tcp().host(), config.tcp().port(), "tcp.port", "HUBBUB_TCP_PORT (or tcp.enabled: false)");
      }
      return "a port is already in use: " + rootMessage(failure);
    }
    String message = chainMessages(failure);
    if (message.contains("already in use") || message.contains("file is locked") || message.contains("Locked by another process")) {
      return "the data directory of " + config.db().url() + " is in use by another process (another hub on the same"
          + " data directory?): stop it, or set db.url / HUBBUB_DB_URL to another directory";
    }
    return rootMessage(failure);
  }

  /**
   * Refuses to start on a port something else listens on. Checked up front because the servers may bind
   * with SO_REUSEPORT (Vert.x spreads connections over event loops that way), and then a second hub
   * would silently share the port with the first instead of failing.
   */
  public static void checkPortsFree(HubConfig config) {
    if (config.http().port() != 0 && busy(config.http().host(), config.http().port())) {
      throw new IllegalStateException(portInUse(config.http().host(), config.http().port(), "http.port", "HUBBUB_HTTP_PORT"));
    }
    if (config.tcp().enabled() && config.tcp().port() != 0 && busy(config.tcp().host(), config.tcp().port())) {
      throw new IllegalStateException(portInUse(config.tcp().host(), config.tcp().port(), "tcp.port",
          "HUBBUB_TCP_PORT, or tcp.enabled: false"));
    }
  }

  /** The same for a clustered node's Hazelcast port and the event-bus port after it. */
  public static void checkClusterPortsFree(ClusterSettings cluster) {
    if (!cluster.enabled()) {
      return;
    }
    if (busy(cluster.host(), cluster.port())) {
      throw new IllegalStateException(portInUse(cluster.host(), cluster.port(), "cluster.port", "HUBBUB_CLUSTER_PORT"));
    }
    if (busy(cluster.host(), cluster.busPort())) {
      throw new IllegalStateException(portInUse(cluster.host(), cluster.busPort(), "cluster.port (the event bus takes the next"
          + " one)", "HUBBUB_CLUSTER_PORT"));
    }
  }

  static String portInUse(String host, int port, String setting, String env) {
    return "port " + port + " on " + host + " is already in use: another hub or program holds it; set " + setting
        + " (" + env + ") to a free port";
  }

  private static boolean isBind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** True when nothing else may listen there now (the failed hub has released what it bound). */
  private static boolean busy(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static String chainMessages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(' ');
    }
    return all.toString();
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
