package dev.hubbub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Summarises a JFR recording of the hub: execution samples aggregated by top frame and by the first Hubbub frame
 * on the stack (where in our code the time goes), and garbage collections with their pauses.
 */
final class Profile {

  private Profile() {
  }

  static JsonObject summarise(Path recording, int top) throws IOException {
    Map<String, Integer> byTop = new HashMap<>();
    Map<String, Integer> byHub = new HashMap<>();
    int samples = 0;
    int gcs = 0;
    double pauseTotalMs = 0;
    double pauseMaxMs = 0;
    Map<String, Integer> gcNames = new HashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        if (frames.isEmpty()) {
          continue;
        }
        samples++;
        byTop.merge(name(frames.get(0)), 1, Integer::sum);
        frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("dev.hubbub.")).findFirst()
            .ifPresent(f -> byHub.merge(name(f), 1, Integer::sum));
      } else if (type.equals("jdk.GarbageCollection")) {
        gcs++;
        double sum = event.getDuration("sumOfPauses").toNanos() / 1e6;
        pauseTotalMs += sum;
        pauseMaxMs = Math.max(pauseMaxMs, event.getDuration("longestPause").toNanos() / 1e6);
        gcNames.merge(event.getString("name"), 1, Integer::sum);
      }
    }
    return new JsonObject().put("executionSamples", samples)
        .put("topFrames", ranked(byTop, samples, top)).put("topHubbubFrames", ranked(byHub, samples, top))
        .put("gc", new JsonObject().put("collections", gcs).put("pauseTotalMs", pauseTotalMs).put("pauseMaxMs", pauseMaxMs)
            .put("byName", new JsonObject(new HashMap<>(gcNames))));
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static JsonArray ranked(Map<String, Integer> counts, int total, int top) {
    JsonArray out = new JsonArray();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.add(new JsonObject().put("frame", e.getKey()).put("samples", e.getValue())
            .put("percent", total == 0 ? 0 : 100.0 * e.getValue() / total)));
    return out;
  }
}
