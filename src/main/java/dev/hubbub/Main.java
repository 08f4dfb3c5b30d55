package dev.hubbub;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.metrics.MetricsSettings;
import dev.hubbub.metrics.VertxMetricsSetup;
import dev.hubbub.startup.Banner;
import dev.hubbub.startup.DataDirLock;
import dev.hubbub.startup.StartupFailure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/** Starts a hub: {@code java -jar hubbub.jar [-conf path/to/config.json]}. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  @SuppressWarnings("unused")
  private static DataDirLock dataDirLock;

  private Main() {
  }

  public static void main(String[] args) {
    JsonObject config;
    HubConfig settings;
    MetricsSettings metrics;
    try {
      config = loadConfig(args);
      settings = HubConfig.from(config); // fail fast on a bad setting
      metrics = MetricsSettings.from(config);
    } catch (IllegalArgumentException e) {
      System.err.println("hubbub: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      StartupFailure.checkPortsFree(settings);
      // Held until the process ends (a static reference: an unreachable channel would be closed by the GC);
      // the OS releases it even after a crash.
      dataDirLock = DataDirLock.acquire(settings.db().url()).orElse(null);
    } catch (IllegalStateException e) {
      log.error("Hubbub failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Vertx vertx = VertxMetricsSetup.create(metrics);
    vertx.deployVerticle(new Hub(), new DeploymentOptions().setConfig(config))
        .onSuccess(id -> Banner.lines(settings).forEach(log::info))
        .onFailure(e -> {
          // One line an operator can act on; the stack trace only at debug level.
          log.error("Hubbub failed to start: {}", StartupFailure.describe(e, settings));
          log.debug("start-up failure", e);
          vertx.close().onComplete(v -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().toCompletionStage().toCompletableFuture().join()));
  }

  static JsonObject loadConfig(String[] args) {
    Path file = Path.of("config.json");
    boolean explicit = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-conf") || args[i].equals("--conf")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("-conf needs a path");
        }
        file = Path.of(args[++i]);
        explicit = true;
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "' (usage: java -jar hubbub.jar [-conf config.json])");
      }
    }
    return ConfigLoader.load(file, explicit, System.getenv());
  }
}
