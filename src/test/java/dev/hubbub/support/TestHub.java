package dev.hubbub.support;

import dev.hubbub.Hub;
import dev.hubbub.config.ConfigLoader;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Starts a real hub on a free loopback port with the built-in defaults plus a test's overrides. */
public final class TestHub {

  public final int port;

  public int tcpPort() {
    return config.getJsonObject("tcp").getInteger("port");
  }

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
    int port = freePort();
    JsonObject config = ConfigLoader.defaults()
        .mergeIn(overrides, true)
        .mergeIn(new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", freePort())), true);
    return vertx.deployVerticle(new Hub(), new DeploymentOptions().setConfig(config)).map(id -> new TestHub(port, config, id));
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
