package dev.hubbub.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** Creates the hub's Vert.x, collecting its own metrics (HTTP, event bus, pools) into {@link HubMetrics}'s registry. */
public final class VertxMetricsSetup {

  private VertxMetricsSetup() {
  }

  public static Vertx create(MetricsSettings settings) {
    if (!settings.enabled()) {
      return Vertx.vertx();
    }
    // JVM meters are bound by HubMetrics itself, so they are there whichever way Vert.x was made.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(HubMetrics.get().registry())).build();
  }
}
