package dev.hubbub.support;

import dev.hubbub.Hub;
import dev.hubbub.config.ConfigLoader;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Starts a real hub on a free loopback port with the built-in defaults plus a test's overrides. Its
 * history goes to a fresh H2 database in a temporary directory (never ./data) unless the overrides name
 * another {@code db.url}.
 */
public final class TestHub {

  /** The HMAC secret test hubs sign tokens with, so tests can make their own (expired, forged...). */
  public static final String JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

  public final int port;
  public final JsonObject config;
  public final String deploymentId;

  private TestHub(int port, JsonObject config, String deploymentId) {
    this.port = port;
    this.config = config;
    this.deploymentId = deploymentId;
  }

  public static Future<TestHub> start(Vertx vertx) {
    return start(vertx, new JsonObject());
  }

  /** {@code overrides} is merged deeply over the defaults, e.g. {@code {"limits": {"maxTextChars": 10}}}. */
  public static Future<TestHub> start(Vertx vertx, JsonObject overrides) {
    return start(vertx, overrides, freePort());
  }

  /** As {@link #start(Vertx, JsonObject)} on a given port, e.g. to restart a hub where it was. */
  public static Future<TestHub> start(Vertx vertx, JsonObject overrides, int port) {
    JsonObject config = ConfigLoader.defaults()
        .mergeIn(new JsonObject().put("db", new JsonObject().put("url", TempDb.freshH2Url())), true)
        // Fast password hashing (tests are not attackers) and a known signing secret.
        .mergeIn(new JsonObject().put("auth", new JsonObject().put("passwordIterations", 1000)
            .put("jwt", new JsonObject().put("secret", JWT_SECRET))), true)
        .mergeIn(overrides, true)
        .mergeIn(new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", freePort())), true);
    return vertx.deployVerticle(new Hub(), new DeploymentOptions().setConfig(config)).map(id -> new TestHub(port, config, id));
  }

  public int tcpPort() {
    return config.getJsonObject("tcp").getInteger("port");
  }

  /** Undeploys the hub, closing its database; the same {@link #config} starts it again on the same data. */
  public Future<Void> stop(Vertx vertx) {
    return vertx.undeploy(deploymentId);
  }

  /**
   * A free port, never one this JVM handed out before. It is drawn below Linux's ephemeral range
   * (32768-60999): a port the OS picked for us could be taken by any outgoing connection (tests open
   * thousands) before the hub binds it, while these are only ever bound on purpose.
   */
  public static synchronized int freePort() {
    while (true) {
      int port = 20_000 + RANDOM.nextInt(12_000);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        HANDED_OUT.add(port);
        return port;
      } catch (IOException e) {
        // taken: draw again
      }
    }
  }

  private static final java.util.Random RANDOM = new java.security.SecureRandom();
  private static final Set<Integer> HANDED_OUT = new HashSet<>();
}
