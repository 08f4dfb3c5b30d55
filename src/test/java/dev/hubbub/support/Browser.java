package dev.hubbub.support;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless Debian Chromium driven through its own chromedriver, so Selenium never tries to download a
 * browser. Without Chromium the browser tests are skipped locally and fail in CI, where .ci/run installs it.
 */
public final class Browser {

  private static final String CHROMIUM = System.getProperty("hubbub.chromium", "/usr/bin/chromium");
  private static final String DRIVER = System.getProperty("hubbub.chromedriver", "/usr/bin/chromedriver");
  public static final Duration WAIT = Duration.ofSeconds(15);

  private Browser() {
  }

  public static ChromeDriver open() {
    boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
    if (System.getenv("CI") == null) {
      if (!present) {
        // Printed as well, so a quiet build (-q) still says what a skipped browser test needs.
        System.out.println("[skipped] browser test: needs " + CHROMIUM + " and " + DRIVER
            + " (apt-get install chromium chromium-driver), or CI=true to fail instead");
      }
      Assumptions.assumeTrue(present, "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    } else if (!present) {
      throw new IllegalStateException("CI needs " + CHROMIUM + " and " + DRIVER + ": .ci/run installs them");
    }
    try {
      Path profile = Files.createTempDirectory("hubbub-chromium");
      ChromeOptions options = new ChromeOptions()
          .setBinary(CHROMIUM)
          .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--user-data-dir=" + profile);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(DRIVER))
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
      return driver;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
