package dev.hubbub.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small process-level helpers: JDK tools next to the running java, free ports, the generator's own CPU. */
final class Tools {

  private Tools() {
  }

  /** {@code jcmd}, {@code jfr}, {@code java} from the JDK running the generator, else from the PATH. */
  static String jdkTool(String name) {
    Path tool = Path.of(System.getProperty("java.home"), "bin", name);
    return Files.isExecutable(tool) ? tool.toString() : name;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** CPU seconds of this JVM (the load generator). */
  static double selfCpuSeconds() {
    return ServerProcess.cpuSeconds(ProcessHandle.current().pid());
  }
}
