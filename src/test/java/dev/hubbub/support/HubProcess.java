package dev.hubbub.support;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hub running in a child JVM ({@code dev.hubbub.Main -conf file}) on the test class path, so a test can
 * kill it the hard way. Its working directory is the given one, so nothing lands in the project.
 */
public final class HubProcess implements AutoCloseable {

  private static final String READY = "Hubbub listening";
  private static final int KEPT_LINES = 200;

  private final Process process;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
  private final java.util.Map<String, CompletableFuture<Void>> awaitedLines = new java.util.concurrent.ConcurrentHashMap<>();
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();
  private final Thread reader;

  private HubProcess(Process process) {
    this.process = process;
    reader = new Thread(this::readOutput, "hub-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a hub with {@code config} written to {@code dir}/config.json and waits until it listens. */
  public static HubProcess start(Path dir, JsonObject config, long timeoutSeconds) throws Exception {
    return start(dir, config, timeoutSeconds, List.of());
  }

  /** As {@link #start(Path, JsonObject, long)}, with {@code jvmOptions} (e.g. a class-load log) for the child JVM. */
  public static HubProcess start(Path dir, JsonObject config, long timeoutSeconds, List<String> jvmOptions) throws Exception {
    HubProcess hub = new HubProcess(builder(dir, config, jvmOptions).start());
    try {
      hub.ready.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      hub.close();
      throw new AssertionError("hub process did not start: " + e + "\n" + hub.output(), e);
    }
    return hub;
  }

  /** Runs a hub that is expected not to start: its exit code and everything it printed. */
  public static Exited runToFailure(Path dir, JsonObject config, long timeoutSeconds) throws Exception {
    HubProcess hub = new HubProcess(builder(dir, config).start());
    if (!hub.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      hub.close();
      throw new AssertionError("the hub kept running:\n" + hub.output());
    }
    hub.reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
    return new Exited(hub.process.exitValue(), hub.output());
  }

  public record Exited(int code, String output) {
  }

  private static ProcessBuilder builder(Path dir, JsonObject config) throws IOException {
    return builder(dir, config, List.of());
  }

  private static ProcessBuilder builder(Path dir, JsonObject config, List<String> jvmOptions) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, config.encodePrettily());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Surefire runs tests from a manifest-only jar; it publishes the real class path separately.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // C1 only: a test hub lives seconds, and on two cores the C2 compiler threads cost about a third of its start-up CPU.
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, "dev.hubbub.Main", "-conf", file.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("HUBBUB_"));
    return builder;
  }

  /** SIGKILL: no shutdown hook, no clean close of the database. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the hub hangs with its sockets open, as a stuck node does; {@link #kill} still ends it. */
  public void pause() throws Exception {
    Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start();
    if (!stop.waitFor(10, TimeUnit.SECONDS) || stop.exitValue() != 0) {
      throw new IllegalStateException("could not stop the hub process " + process.pid());
    }
  }

  /** SIGTERM: the shutdown hook runs. Returns the exit code, or null if it is still running after {@code timeoutMs}. */
  public Integer terminate(long timeoutMs) throws InterruptedException {
    // Not process.destroy(): it also closes our end of the output pipe, losing what the hook logs.
    process.toHandle().destroy();
    return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** Waits for the process to end by itself; the exit code, or null if it still runs after {@code timeoutMs}. */
  public Integer waitFor(long timeoutMs) throws InterruptedException {
    return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** Starts a hub without waiting for it to listen (e.g. one that should refuse to start). */
  public static HubProcess launch(Path dir, JsonObject config) throws IOException {
    return new HubProcess(builder(dir, config).start());
  }

  /** Completes when the hub prints a line containing {@code text} (from now on). */
  public CompletableFuture<Void> line(String text) {
    return awaitedLines.computeIfAbsent(text, t -> new CompletableFuture<>());
  }

  /** Completes when the hub prints that it listens; fails when it exits first. */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits (bounded) until the hub has printed a line containing {@code text}; the output so far. */
  public synchronized String awaitOutput(String text, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!output().contains(text)) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("the hub did not print '" + text + "':\n" + output());
      }
      wait(left);
    }
    return output();
  }

  /** Everything the process printed, once it has exited and its output is read to the end. */
  public String finalOutput(long timeoutSeconds) throws Exception {
    outputEnded.get(timeoutSeconds, TimeUnit.SECONDS);
    return output();
  }

  /** The last lines the hub printed, for failure messages. */
  public synchronized String output() {
    return String.join("\n", lastLines);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (this) {
          lastLines.addLast(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
          notifyAll();
        }
        if (line.contains(READY)) {
          ready.complete(null);
        }
        for (var awaited : awaitedLines.entrySet()) {
          if (line.contains(awaited.getKey())) {
            awaited.getValue().complete(null);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    outputEnded.complete(null);
    ready.completeExceptionally(new IllegalStateException("hub process exited with " + exitCode()));
  }

  private String exitCode() {
    try {
      return String.valueOf(process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "(still running)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
