package dev.hubbub.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSettingsTest {

  private static final Path NO_FILE = Path.of("target/no-such-config.json");

  private static JsonObject load(Map<String, String> env) {
    return ConfigLoader.load(NO_FILE, false, env);
  }

  @Test
  void offByDefaultWithTheIssuesDefaults() {
    ClusterSettings cluster = ClusterSettings.from(load(Map.of()));
    assertFalse(cluster.enabled());
    assertEquals("127.0.0.1", cluster.host());
    assertEquals(5701, cluster.port());
    assertEquals(5702, cluster.busPort());
    assertEquals(List.of(), cluster.members());
    assertEquals("hubbub", cluster.name());
  }

  @Test
  void everySettingHasItsEnvironmentVariable() {
    ClusterSettings cluster = ClusterSettings.from(load(Map.of("HUBBUB_CLUSTER_ENABLED", "true", "HUBBUB_CLUSTER_HOST", "10.0.0.5",
        "HUBBUB_CLUSTER_PORT", "6000", "HUBBUB_CLUSTER_MEMBERS", " 10.0.0.5:6000, 10.0.0.6:6000 ,", "HUBBUB_CLUSTER_NAME", "prod-eu",
        "HUBBUB_CLUSTER_FAILURE_TIMEOUT_MS", "5000")));
    assertTrue(cluster.enabled());
    assertEquals("10.0.0.5", cluster.host());
    assertEquals(6000, cluster.port());
    assertEquals(List.of("10.0.0.5:6000", "10.0.0.6:6000"), cluster.members());
    assertEquals("prod-eu", cluster.name());
    assertEquals(5000, cluster.failureTimeoutMs());
  }

  @Test
  void badValuesSayWhichSettingInOneLine() {
    assertMessage("cluster.members (HUBBUB_CLUSTER_MEMBERS) must list at least one host:port",
        Map.of("HUBBUB_CLUSTER_ENABLED", "true"));
    assertMessage("cluster.members (HUBBUB_CLUSTER_MEMBERS) must be comma-separated host:port, got 'node-b'",
        Map.of("HUBBUB_CLUSTER_MEMBERS", "node-a:5701,node-b"));
    assertMessage("cluster.members (HUBBUB_CLUSTER_MEMBERS) must be comma-separated host:port, got 'a:99999'",
        Map.of("HUBBUB_CLUSTER_MEMBERS", "a:99999"));
    assertMessage("cluster.port (HUBBUB_CLUSTER_PORT) must be a port from 1 to 65534", Map.of("HUBBUB_CLUSTER_PORT", "0"));
    assertMessage("cluster.name (HUBBUB_CLUSTER_NAME) must be 1-64 letters", Map.of("HUBBUB_CLUSTER_NAME", "two words"));
    assertMessage("cluster.host (HUBBUB_CLUSTER_HOST) must name an interface", Map.of("HUBBUB_CLUSTER_HOST", " "));
    assertMessage("HUBBUB_CLUSTER_PORT must be a number", Map.of("HUBBUB_CLUSTER_PORT", "many"));
  }

  @Test
  void refusesADatabaseOnlyThisProcessCanOpen() {
    Map<String, String> secrets = Map.of("HUBBUB_AUTH_JWT_SECRET", "s".repeat(40), "HUBBUB_AUTH_CSRF_SECRET", "c".repeat(40));
    for (String url : List.of("jdbc:h2:file:./data/hubbub", "jdbc:h2:./data/hubbub", "memory", "jdbc:h2:mem:x")) {
      String refusal = ClusterSettings.refusal(HubConfig.from(load(with(secrets, "HUBBUB_DB_URL", url))));
      assertTrue(refusal != null && refusal.startsWith("cluster.enabled needs a database every node shares"), url + ": " + refusal);
      assertFalse(refusal.contains("\n"));
    }
    for (String url : List.of("jdbc:postgresql://db:5432/hubbub", "jdbc:h2:tcp://localhost:9092/hubbub")) {
      assertNull(ClusterSettings.refusal(HubConfig.from(load(with(secrets, "HUBBUB_DB_URL", url)))), url);
    }
  }

  @Test
  void refusesSecretsEachNodeWouldGenerateForItself() {
    String refusal = ClusterSettings.refusal(HubConfig.from(load(Map.of("HUBBUB_DB_URL", "jdbc:postgresql://db/hubbub"))));
    assertTrue(refusal.startsWith("cluster.enabled needs the same auth.jwt.secret and auth.csrfSecret on every node"), refusal);
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put(key, value);
    return all;
  }

  private static void assertMessage(String start, Map<String, String> env) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.from(load(env)));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
