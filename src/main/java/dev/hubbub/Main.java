package dev.hubbub;

import dev.hubbub.cluster.ClusteredVertx;
import dev.hubbub.config.ClusterSettings;
import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.metrics.HubMetrics;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Starts a hub: {@code java -jar hubbub.jar [-conf path/to/config.json]}. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  @SuppressWarnings("unused")
  private static DataDirLock dataDirLock;

  private Main() {
  }

  public static void main(String[] args) {
    // The metrics registry (Prometheus, the JVM meters) takes a while to build and Vert.x is made with it: built
    // on a thread of its own while the configuration is read and the ports and data directory are checked.
    Thread metricsInit = new Thread(HubMetrics::get, "hubbub-metrics-init");
    metricsInit.setDaemon(true);
    metricsInit.start();
    JsonObject config;
    HubConfig settings;
    MetricsSettings metrics;
    ShutdownSettings shutdown;
    ClusterSettings cluster;
    try {
      config = loadConfig(args);
      settings = HubConfig.from(config); // fail fast on a bad setting
      metrics = MetricsSettings.from(config);
      shutdown = ShutdownSettings.from(config);
      cluster = ClusterSettings.from(config);
      String refusal = cluster.enabled() ? ClusterSettings.refusal(settings) : null;
      if (refusal != null) {
        throw new IllegalArgumentException(refusal);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("hubbub: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      StartupFailure.checkPortsFree(settings);
      StartupFailure.checkClusterPortsFree(cluster);
      // Held until the process ends (a static reference: an unreachable channel would be closed by the GC);
      // the OS releases it even after a crash.
      dataDirLock = DataDirLock.acquire(settings.db().url()).orElse(null);
    } catch (IllegalStateException e) {
      log.error("Hubbub failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Vertx vertx;
    try {
      vertx = cluster.enabled() ? joinCluster(cluster, metrics) : VertxMetricsSetup.create(metrics);
    } catch (IllegalStateException e) {
      log.error("Hubbub failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Hub hub = new Hub();
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicBoolean started = new AtomicBoolean();
    // Registered before deploying, so a SIGTERM during start-up is a normal shutdown too.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      shutDown(vertx, hub, shutdown.deadlineMs(), started.get());
    }, "hubbub-shutdown"));
    vertx.deployVerticle(hub, new DeploymentOptions().setConfig(config))
        .onSuccess(id -> {
          started.set(true);
          Banner.lines(settings).forEach(log::info);
        })
        .onFailure(e -> {
          if (stopping.get()) {
            return; // stopped while starting: the shutdown hook is closing everything already
          }
          String inUse = StartFailures.databaseInUse(e, settings.db());
          if (inUse != null) {
            System.err.println("hubbub: " + inUse);
          } else {
            // One line an operator can act on; the stack trace only at debug level.
            log.error("Hubbub failed to start: {}", StartupFailure.describe(e, settings));
            log.debug("start-up failure", e);
          }
          // System.exit runs the shutdown hook and waits for it, and the hook needs the event loops to close
          // Vert.x: calling it from this event loop would hang the JVM.
          new Thread(() -> System.exit(1), "hubbub-exit").start();
        });
  }

  /**
   * The shutdown hook's work, bounded by {@code deadlineMs} in all: drain and tell the clients
   * ({@link Hub#shutDown}), close Vert.x, and log in one line what was drained. Past the deadline it
   * returns anyway, and the JVM exits. A hub that never started only closes, quietly: its failure was said.
   */
  static void shutDown(Vertx vertx, Hub hub, long deadlineMs, boolean wasStarted) {
    long started = System.nanoTime();
    try {
      JsonObject summary = hub.shutDown(deadlineMs).toCompletionStage().toCompletableFuture()
          .get(deadlineMs, TimeUnit.MILLISECONDS);
      long toldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      long left = Math.max(1, deadlineMs - toldMs);
      vertx.close().toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
      if (!wasStarted) {
        return;
      }
      log.info("Hubbub stopped in {} ms: {} commands drained and answered; going-away notice sent to {} WebSocket, {} SSE"
          + " and {} bridge clients in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          summary.getInteger("commands", 0), summary.getInteger("ws", 0), summary.getInteger("sse", 0),
          summary.getInteger("bridge", 0), toldMs);
    } catch (TimeoutException e) {
      log.warn("Hubbub shutdown did not finish within shutdown.deadlineMs ({} ms): exiting anyway", deadlineMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("Hubbub shutdown failed: {}", e.getCause().getMessage());
    }
  }

  /** A clustered Vert.x, once this node has joined (or formed) the cluster; one line when it cannot. */
  private static Vertx joinCluster(ClusterSettings cluster, MetricsSettings metrics) {
    try {
      return ClusteredVertx.start(cluster, metrics).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while joining the cluster");
    } catch (ExecutionException | TimeoutException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException("cannot join cluster '" + cluster.name() + "' on " + cluster.host() + ":" + cluster.port()
          + " (members " + String.join(",", cluster.members()) + "): " + root.getMessage());
    }
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
