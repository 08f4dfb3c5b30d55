package dev.hubbub.metrics;

import dev.hubbub.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsSettingsTest {

  @Test
  void onByDefaultOnTheHttpPort() {
    assertEquals(new MetricsSettings(true, 0), MetricsSettings.from(ConfigLoader.defaults()));
  }

  @Test
  void environmentVariablesTurnThemOffOrMoveThem() {
    Path none = Path.of("no-such-config.json");
    JsonObject off = ConfigLoader.load(none, false, Map.of("HUBBUB_METRICS_ENABLED", "false"));
    assertEquals(new MetricsSettings(false, 0), MetricsSettings.from(off));
    JsonObject moved = ConfigLoader.load(none, false, Map.of("HUBBUB_METRICS_PORT", "9100"));
    assertEquals(new MetricsSettings(true, 9100), MetricsSettings.from(moved));
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    JsonObject config = new JsonObject().put("metrics", new JsonObject().put("port", 70_000));
    assertThrows(IllegalArgumentException.class, () -> MetricsSettings.from(config));
  }
}
