package dev.hubbub.startup;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hubs started as real processes: the banner lists every endpoint; a failed start is one clear line. */
class StartupTest {

  private static JsonObject config(Path data, int httpPort, int tcpPort) {
    return ConfigLoader.defaults()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
        .put("tcp", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", tcpPort))
        .put("db", new JsonObject().put("url", "jdbc:h2:file:" + data.resolve("hubbub").toAbsolutePath()).put("user", "sa").put("password", ""))
        .mergeIn(new JsonObject().put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", TestHub.JWT_SECRET))), true);
  }

  private static void assertOneLine(HubProcess.Exited exited, String expected) {
    assertEquals(1, exited.code(), exited.output());
    long errorLines = exited.output().lines().filter(l -> l.contains("Hubbub failed to start")).count();
    assertEquals(1, errorLines, exited.output());
    assertTrue(exited.output().contains(expected), exited.output());
    assertFalse(exited.output().contains("\tat "), "no stack trace:\n" + exited.output());
  }

  @Test
  void theBannerListsEveryEndpointAndABusyPortOrDataDirectoryIsOneClearLine(@TempDir Path dir) throws Exception {
    int http = TestHub.freePort();
    int tcp = TestHub.freePort();
    Path first = Files.createDirectories(dir.resolve("first"));
    try (HubProcess hub = HubProcess.start(first, config(first.resolve("data"), http, tcp), 60)) {
      String banner = hub.awaitOutput("TCP bridge", 30);
      for (String endpoint : new String[] {"http://127.0.0.1:" + http + "/", "/rooms/general", "/dashboard", "ws://127.0.0.1:" + http + "/ws",
          "/rooms/{room}/events", "/eventbus", "/api/rooms", "/health", "127.0.0.1:" + tcp}) {
        assertTrue(banner.contains(endpoint), endpoint + " in\n" + banner);
      }

      Path second = Files.createDirectories(dir.resolve("second"));
      HubProcess.Exited busyPort = HubProcess.runToFailure(second, config(second.resolve("data"), http, TestHub.freePort()), 60);
      assertOneLine(busyPort, "port " + http + " on 127.0.0.1 is already in use");
      assertTrue(busyPort.output().contains("http.port"), busyPort.output());

      assertTrue(hub.isAlive(), "the first hub still runs:\n" + hub.output());
      HubProcess.Exited busyTcp = HubProcess.runToFailure(second, config(second.resolve("data"), TestHub.freePort(), tcp), 60);
      assertOneLine(busyTcp, "port " + tcp + " on 127.0.0.1 is already in use");
      assertTrue(busyTcp.output().contains("tcp.port"), busyTcp.output());

      HubProcess.Exited sameData = HubProcess.runToFailure(second, config(first.resolve("data"), TestHub.freePort(), TestHub.freePort()), 60);
      assertOneLine(sameData, "is in use by another hub");
    }
  }
}
