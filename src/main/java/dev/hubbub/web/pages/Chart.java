package dev.hubbub.web.pages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One dashboard chart drawn as SVG by the templates: polylines over the stats series' time window. Only
 * numbers go into the SVG (points, labels); names of transports come from a fixed set, escaped anyway.
 *
 * @param key     a stable id (CSS, tests)
 * @param yMax    the top of the y axis, a round number at or above every value
 * @param lines   one per series; each carries its latest value for the legend
 */
public record Chart(String key, String title, String explanation, String unit, long yMax, List<Line> lines) {

  public static final int WIDTH = 300;
  public static final int HEIGHT = 80;

  /** @param points SVG polyline points, e.g. {@code "0,80 10,75"} */
  /** @param lastX, lastY where the newest point is drawn, so a line of one point still shows */
  public record Line(String name, String css, String points, String latest, String lastX, String lastY) {
  }

  public String yMaxLabel() {
    return yMax + " " + unit;
  }

  /** The four charts of a stats snapshot's {@code series} (none when the snapshot has no series). */
  static List<Chart> of(JsonObject series, long now) {
    if (series == null) {
      return List.of();
    }
    JsonArray points = series.getJsonArray("points", new JsonArray());
    long window = series.getLong("windowMs", 900_000L);
    List<JsonObject> list = points.stream().map(JsonObject.class::cast).toList();
    Map<String, Function<JsonObject, Number>> transports = new LinkedHashMap<>();
    for (JsonObject p : list) {
      for (String t : p.getJsonObject("connections", new JsonObject()).fieldNames()) {
        transports.putIfAbsent(t, q -> q.getJsonObject("connections", new JsonObject()).getInteger(t, 0));
      }
    }
    List<Chart> charts = new ArrayList<>();
    charts.add(chart("rate", "Messages per second", "chat messages stored, averaged per 10-second bucket", "/s",
        list, now, window, Map.of("messages", p -> p.getDouble("rate", 0.0))));
    charts.add(chart("connections", "Connections per transport", "open connections at the end of each bucket", "",
        list, now, window, transports.isEmpty() ? Map.of("none", p -> 0) : transports));
    Map<String, Function<JsonObject, Number>> latency = new LinkedHashMap<>();
    latency.put("p50", p -> p.getLong("p50", 0L));
    latency.put("p95", p -> p.getLong("p95", 0L));
    latency.put("p99", p -> p.getLong("p99", 0L));
    charts.add(chart("latency", "Delivery latency", "from a message's timestamp to its arrival at the hub's feed consumers", "ms",
        list, now, window, latency));
    charts.add(chart("slow", "Slow-consumer disconnects", "connections closed for not reading fast enough, per bucket", "",
        list, now, window, Map.of("disconnects", p -> p.getLong("slow", 0L))));
    return charts;
  }

  private static Chart chart(String key, String title, String explanation, String unit, List<JsonObject> list, long now,
                             long window, Map<String, Function<JsonObject, Number>> values) {
    double max = 0;
    for (Function<JsonObject, Number> f : values.values()) {
      for (JsonObject p : list) {
        max = Math.max(max, f.apply(p).doubleValue());
      }
    }
    long yMax = niceCeiling(max);
    List<Line> lines = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, Function<JsonObject, Number>> e : values.entrySet()) {
      StringBuilder points = new StringBuilder();
      double latest = 0;
      String lastX = "0";
      String lastY = String.valueOf(HEIGHT);
      for (JsonObject p : list) {
        double x = (p.getLong("t", now) + 5_000 - (now - window)) * (double) WIDTH / window;
        latest = e.getValue().apply(p).doubleValue();
        double y = HEIGHT - latest / yMax * HEIGHT;
        if (points.length() > 0) {
          points.append(' ');
        }
        lastX = String.format(Locale.ROOT, "%.1f", Math.max(0, Math.min(WIDTH, x)));
        lastY = String.format(Locale.ROOT, "%.1f", y);
        points.append(lastX).append(',').append(lastY);
      }
      String shown = latest == Math.rint(latest) ? String.valueOf((long) latest) : String.format(Locale.ROOT, "%.1f", latest);
      lines.add(new Line(e.getKey(), "line-" + index++, points.toString(), shown, lastX, lastY));
    }
    return new Chart(key, title, explanation, unit, yMax, lines);
  }

  /** 1, 2, 5, 10, 20, 50... at or above {@code value}. */
  static long niceCeiling(double value) {
    long step = 1;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (m * step >= value) {
          return m * step;
        }
      }
      step *= 10;
    }
  }
}
