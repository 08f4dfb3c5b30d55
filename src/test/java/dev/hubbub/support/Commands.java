package dev.hubbub.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs operating-system commands for the fault tests (mounts, file systems); never throws. */
public final class Commands {

  private Commands() {
  }

  /** Runs {@code command}; true when it exited 0 within 30 s, else prints its output and returns false. */
  public static boolean run(String... command) {
    return output(command) != null;
  }

  /** The command's output, or null when it failed or could not run (its output is printed then). */
  public static String output(String... command) {
    try {
      Ran ran = exec(Map.of(), 30, List.of(command));
      if (ran.exited() && ran.code() == 0) {
        return ran.output();
      }
      System.out.println(String.join(" ", command) + ": " + ran.output().strip());
      return null;
    } catch (IOException e) {
      System.out.println(String.join(" ", command) + ": " + e.getMessage());
      return null;
    }
  }

  /** Runs {@code command} with {@code env} added; fails the test unless it exits 0 within {@code seconds}. Its output. */
  public static String require(Map<String, String> env, long seconds, List<String> command) throws IOException {
    Ran ran = exec(env, seconds, command);
    assertTrue(ran.exited(), "timed out after " + seconds + " s: " + command);
    assertEquals(0, ran.code(), command + " failed:\n" + ran.output());
    return ran.output();
  }

  private record Ran(boolean exited, int code, String output) {
  }

  private static Ran exec(Map<String, String> env, long seconds, List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
      return new Ran(exited, exited ? process.exitValue() : -1, output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Ran(false, -1, output);
    }
  }
}
