package dev.hubbub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer server in its own process: started, timed to its first {@code /health} 200, and measured from the
 * outside — CPU from {@code /proc/<pid>/stat}, RSS from {@code /proc/<pid>/status}, heap after a forced GC
 * through {@code jcmd} (a JVM) or the peer's own {@code /gc} endpoint (Node).
 */
final class ServerProcess implements AutoCloseable {

  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on Linux
  private static final Pattern G1_USED = Pattern.compile("(?m)^\\s*garbage-first heap\\s+total \\d+K, used (\\d+)K");
  private static final Pattern ANY_USED = Pattern.compile("used (\\d+)K");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int port;
  final boolean jvm;
  final double launchMs;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, int port, boolean jvm, Process process, Path log, double launchMs) {
    this.name = name;
    this.port = port;
    this.jvm = jvm;
    this.process = process;
    this.log = log;
    this.launchMs = launchMs;
  }

  /** Starts {@code command} in {@code dir} and waits (at most {@code timeoutMs}) for its first /health 200. */
  static ServerProcess start(String name, List<String> command, Path dir, Map<String, String> env, int port, boolean jvm,
      long timeoutMs) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("HUBBUB_"));
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ":\n" + tail(log));
      }
      if (healthy(health)) {
        return new ServerProcess(name, port, jvm, process, log, (System.nanoTime() - start) / 1e6);
      }
      Thread.sleep(10); // polling a process we do not control; there is nothing to wait on
    }
    process.destroyForcibly();
    throw new IOException(name + " gave no /health 200 within " + timeoutMs + " ms:\n" + tail(log));
  }

  private static boolean healthy(URI uri) {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  /** User + system CPU seconds the process has used so far. */
  double cpuSeconds() {
    return cpuSeconds(pid());
  }

  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after the parenthesised command name; utime and stime are fields 14 and 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Resident set size in bytes (VmRSS). */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }

  /** Heap in use after a full GC, in bytes; -1 if it cannot be read. */
  long heapAfterGcBytes() {
    try {
      if (!jvm) {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/gc")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return new io.vertx.core.json.JsonObject(body).getLong("heapUsed");
      }
      // one attach for both commands: a full GC, then the heap it left
      Path commands = Files.createTempFile("hubbub-bench-jcmd", ".txt");
      Files.writeString(commands, "GC.run\nGC.heap_info\n");
      String info = jcmd("-f", commands.toString());
      Files.deleteIfExists(commands);
      Matcher m = G1_USED.matcher(info);
      if (!m.find()) {
        m = ANY_USED.matcher(info);
        if (!m.find()) {
          return -1;
        }
      }
      return Long.parseLong(m.group(1)) * 1024;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Runs {@code jcmd <pid> args...} and returns its output. */
  String jcmd(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Tools.jdkTool("jcmd"), String.valueOf(pid())));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  String logTail() {
    return tail(log);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(15, TimeUnit.SECONDS);
    }
  }
}
