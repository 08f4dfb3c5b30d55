package dev.hubbub.deploy;

import dev.hubbub.support.Commands;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files in deploy/ pass their own tools' checks: `nginx -t`, `caddy validate`, `systemd-analyze
 * verify`. A missing tool skips its check locally, saying what to install; in CI (.ci/run installs
 * nginx and caddy) a missing nginx or caddy fails.
 */
class DeployConfigTest {

  private static final Path DEPLOY = Path.of("deploy");

  private static void need(String tool, String debianPackage, boolean requiredInCi) {
    boolean present = new File(tool).canExecute();
    if (!present && requiredInCi && System.getenv("CI") != null) {
      throw new IllegalStateException("CI needs " + tool + " (apt-get install " + debianPackage + "): .ci/run installs it");
    }
    if (!present) {
      System.out.println("[skipped] " + DeployConfigTest.class.getSimpleName() + ": " + tool + " is not installed"
          + " (apt-get install " + debianPackage + ")");
    }
    Assumptions.assumeTrue(present, tool + " is not installed (apt-get install " + debianPackage + ")");
  }

  private static String run(List<String> command) throws Exception {
    return Commands.require(Map.of(), 60, command);
  }

  @Test
  void theNginxConfigurationPassesNginxT(@TempDir Path dir) throws Exception {
    need("/usr/sbin/nginx", "nginx", true);
    // The site file as shipped, with a throwaway certificate where the real one would be.
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    need("/usr/bin/openssl", "openssl", true);
    run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=chat.example.com",
        "-keyout", key.toString(), "-out", cert.toString()));
    String site = Files.readString(DEPLOY.resolve("nginx/hubbub.conf"))
        .replace("/etc/letsencrypt/live/chat.example.com/fullchain.pem", cert.toString())
        .replace("/etc/letsencrypt/live/chat.example.com/privkey.pem", key.toString());
    assertTrue(site.contains("proxy_set_header Upgrade") && site.contains("proxy_buffering off"), "upgrade and unbuffered SSE");
    assertTrue(site.contains("X-Forwarded-For") && site.contains("X-Forwarded-Proto") && site.contains("X-Forwarded-Host"),
        "the client's address, scheme and host for the hub's trusted-proxy handling");
    Files.writeString(dir.resolve("site.conf"), site);
    Files.writeString(dir.resolve("nginx.conf"), "pid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log")
        + ";\nevents {}\nhttp {\n  access_log off;\n  include " + dir.resolve("site.conf") + ";\n}\n");
    String output = run(List.of("/usr/sbin/nginx", "-t", "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString()));
    assertTrue(output.contains("test is successful"), output);
  }

  @Test
  void theCaddyfilePassesCaddyValidate() throws Exception {
    need("/usr/bin/caddy", "caddy", true);
    String output = run(List.of("/usr/bin/caddy", "validate", "--config", DEPLOY.resolve("Caddyfile").toString(), "--adapter", "caddyfile"));
    assertTrue(output.contains("Valid configuration"), output);
  }

  @Test
  void theSystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
    assertTrue(Files.readString(DEPLOY.resolve("hubbub.service")).contains("HUBBUB_HTTP_TRUSTED_PROXIES=127.0.0.1,::1"),
        "the unit trusts the local proxy's X-Forwarded-* headers");
    need("/usr/bin/systemd-analyze", "systemd", false);
    run(List.of("/usr/bin/systemd-analyze", "verify", DEPLOY.resolve("hubbub.service").toAbsolutePath().toString()));
  }
}
