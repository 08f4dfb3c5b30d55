package dev.hubbub.startup;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar hubbub.jar} with {@code cluster.enabled} refuses what cannot work clustered, in one line. */
class ClusterStartupTest {

  @Test
  void aClusteredHubOnAPrivateH2FileRefusesToStartAndSaysWhy(@TempDir Path dir) throws Exception {
    JsonObject config = ConfigLoader.defaults()
        .mergeIn(new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", TestHub.freePort()))
            .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", TestHub.freePort()))
            .put("db", new JsonObject().put("url", "jdbc:h2:file:" + dir.resolve("data/hubbub").toAbsolutePath()))
            .put("auth", new JsonObject().put("csrfSecret", "c".repeat(40)).put("jwt", new JsonObject().put("secret", TestHub.JWT_SECRET)))
            .put("cluster", new JsonObject().put("enabled", true).put("members", "127.0.0.1:" + TestHub.freePort())), true);
    HubProcess.Exited exited = HubProcess.runToFailure(dir, config, 60);
    assertEquals(2, exited.code(), exited.output());
    String line = "hubbub: cluster.enabled needs a database every node shares, but db.url (HUBBUB_DB_URL) is jdbc:h2:file:";
    assertEquals(1, exited.output().lines().filter(l -> l.startsWith(line)).count(), exited.output());
    assertTrue(exited.output().contains("use PostgreSQL"), exited.output());
    assertFalse(exited.output().contains("\tat "), "no stack trace:\n" + exited.output());
    assertFalse(exited.output().contains("Hazelcast"), "refused before joining anything:\n" + exited.output());
  }
}
