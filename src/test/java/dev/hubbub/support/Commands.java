package dev.hubbub.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return output;
      }
      System.out.println(String.join(" ", command) + ": " + output.strip());
      return null;
    } catch (IOException e) {
      System.out.println(String.join(" ", command) + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
