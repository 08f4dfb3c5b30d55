package dev.hubbub.examples;

import dev.hubbub.support.TestHub;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no hub listening, the Python examples say so in one line and exit 2, without a traceback. */
class ExamplesHubDownTest {

  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void thePythonExamplesPrintOneLineWhenTheHubIsDown() throws Exception {
    Assumptions.assumeTrue(new File(PYTHON).canExecute(), "python3 is not installed (apt-get install python3)");
    String port = String.valueOf(TestHub.freePort());
    for (List<String> command : List.of(
        List.of(PYTHON, "examples/python/post.py", "--port", port, "--text", "hi"),
        List.of(PYTHON, "examples/python/feed.py", "--port", port))) {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, process.exitValue(), output);
      assertEquals(1, output.strip().lines().count(), output);
      assertTrue(output.startsWith("cannot reach the hub's TCP bridge"), output);
      assertFalse(output.contains("Traceback"), output);
    }
  }
}
