package dev.hubbub.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark suite's smoke mode: every scenario, tiny, against every peer started as a process, so the suite
 * never rots. It checks that each scenario ran and reported its numbers — never a timing. Without Node or
 * {@code npm ci --prefix bench/socketio} the Socket.IO peer is skipped with the reason (CI installs both).
 */
class BenchSmokeTest {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyScenarioRunsAndReportsNumbers(@TempDir Path work) throws Exception {
    String java = Tools.jdkTool("java");
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> socketio = Bench.socketio(Path.of("bench/socketio"));
    if (socketio == null) {
      System.out.println("BenchSmokeTest: Socket.IO peer skipped: " + Bench.socketioMissing(Path.of("bench/socketio")));
      assertFalse("true".equals(System.getenv("CI")), "CI must install the Socket.IO peer: npm ci --prefix bench/socketio");
    }
    Bench.Launch launch = new Bench.Launch(
        List.of(java, "-Xmx256m", "-cp", classPath, "dev.hubbub.Main"),
        List.of(java, "-Xmx128m", "-cp", classPath, BareFanout.class.getName()),
        socketio, Bench.socketioMissing(Path.of("bench/socketio")));

    JsonObject results = Bench.run(Options.smoke(), launch, work);

    JsonObject peers = results.getJsonObject("peers");
    for (Peer peer : Peer.values()) {
      JsonObject p = peers.getJsonObject(peer.id);
      assertNotNull(p, peer.id);
      if (peer == Peer.SOCKETIO && socketio == null) {
        assertTrue(p.containsKey("skipped"));
        continue;
      }
      JsonObject s = p.getJsonObject("scenarios");
      for (String name : List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9")) {
        JsonObject r = s.getJsonObject(name);
        assertNotNull(r, peer.id + " " + name + " did not run");
        assertFalse(r.containsKey("error"), peer.id + " " + name + ": " + r.getString("error"));
      }
      boolean hub = peer == Peer.HUBBUB;
      fanout(peer, s.getJsonObject("S1"));
      fanout(peer, s.getJsonObject("S2"));
      if (hub) {
        fanout(peer, s.getJsonObject("S3"));
      } else {
        assertTrue(s.getJsonObject("S3").containsKey("notApplicable"));
      }
      assertTrue(s.getJsonObject("S4").getJsonArray("steps").size() > 0, peer.id + " S4 measured no step");
      number(peer, "S5 heap per connection", s.getJsonObject("S5").getDouble("heapPerConnectionBytes"));
      number(peer, "S7 median", s.getJsonObject("S7").getDouble("medianMs"));
      number(peer, "S8 welcomed", s.getJsonObject("S8").getDouble("allWelcomedMs"));
      if (hub) {
        assertTrue(s.getJsonObject("S6").getLong("acked") > 0, "S6 acked nothing");
        number(peer, "S6 ack p99", s.getJsonObject("S6").getJsonObject("ackLatency").getDouble("p99Ms"));
        number(peer, "S9 page requests/s", s.getJsonObject("S9").getJsonObject("page").getDouble("requestsPerSecond"));
        number(peer, "S9 static requests/s", s.getJsonObject("S9").getJsonObject("staticFile").getDouble("requestsPerSecond"));
      } else {
        assertTrue(s.getJsonObject("S6").containsKey("notApplicable"));
        assertTrue(s.getJsonObject("S9").containsKey("notApplicable"));
      }
    }

    Report.write(results, work.resolve("out"));
    String md = Files.readString(work.resolve("out").resolve("RESULTS.md"));
    assertTrue(md.contains("## Targets"), md);
    assertTrue(new JsonObject(Files.readString(work.resolve("out").resolve("results.json"))).containsKey("machine"));
  }

  private static void fanout(Peer peer, JsonObject r) {
    assertTrue(r.getLong("delivered") > 0, peer.id + " delivered nothing: " + r.encode());
    number(peer, "p99", r.getJsonObject("latency").getDouble("p99Ms"));
    number(peer, "CPU per delivery", r.getDouble("cpuPerDeliveryUs"));
    number(peer, "generator CPU", r.getDouble("generatorCpuSeconds"));
  }

  private static void number(Peer peer, String what, Double value) {
    assertNotNull(value, peer.id + " reported no " + what);
    assertFalse(value.isNaN(), peer.id + " " + what + " is NaN");
  }

}
