package dev.hubbub.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

  @Test
  void defaultsBindToLoopback8080() {
    HubConfig config = HubConfig.from(ConfigLoader.load(Path.of("does-not-exist.json"), false, Map.of()));
    assertEquals("127.0.0.1", config.http().host());
    assertEquals(8080, config.http().port());
  }

  @Test
  void theFileOverridesDefaultsAndTheEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("hub.json");
    Files.writeString(file, "{\"http\":{\"port\":9000},\"limits\":{\"maxTextChars\":10}}");
    JsonObject json = ConfigLoader.load(file, true, Map.of(
        "HUBBUB_HTTP_HOST", "0.0.0.0",
        "HUBBUB_LIMITS_MAX_TEXT_CHARS", "20",
        "UNRELATED", "x"));
    HubConfig config = HubConfig.from(json);
    assertEquals("0.0.0.0", config.http().host());
    assertEquals(9000, config.http().port());
    assertEquals(20, config.limits().maxTextChars());
    assertEquals(65536, config.limits().maxFrameBytes());
  }

  @Test
  void envNamesAreTheUpperSnakePath() {
    assertEquals("MAX_FRAME_BYTES", ConfigLoader.upperSnake("maxFrameBytes"));
    assertEquals("PORT", ConfigLoader.upperSnake("port"));
  }

  @Test
  void badValuesAreReportedByName(@TempDir Path dir) {
    IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.load(dir.resolve("none.json"), false, Map.of("HUBBUB_HTTP_PORT", "eighty")));
    assertTrue(notANumber.getMessage().contains("HUBBUB_HTTP_PORT"));
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(dir.resolve("none.json"), true, Map.of()));
  }
}
