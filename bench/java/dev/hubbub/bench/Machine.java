package dev.hubbub.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the numbers were measured on. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memory", line("/proc/meminfo", "MemTotal:"))
        .put("cpu", line("/proc/cpuinfo", "model name").replaceFirst("^\\s*:\\s*", ""))
        .put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("node", command("node", "--version"))
        .put("openFilesLimit", line("/proc/self/limits", "Max open files").replaceAll("\\s+", " ").trim())
        .put("loadAverageAtStart", read("/proc/loadavg").trim());
  }

  /** The one-minute load average: how busy the shared machine was. */
  static double loadAverage() {
    String[] f = read("/proc/loadavg").split(" ");
    return f.length > 0 && !f[0].isEmpty() ? Double.parseDouble(f[0]) : -1;
  }

  private static String line(String file, String prefix) {
    return read(file).lines().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()).trim()).orElse("?");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (Exception e) {
      return "";
    }
  }

  private static String command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? out : "unavailable";
    } catch (Exception e) {
      return "unavailable";
    }
  }
}
