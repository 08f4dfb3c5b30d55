package dev.hubbub.web.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * URLs of the scripts the htmx pages load. They come from WebJars on the classpath and are served under
 * {@link #PREFIX}; the build writes their versioned paths into {@code hubbub-assets.properties}.
 */
public record Assets(String htmx, String htmxSse) {

  public static final String PREFIX = "/assets/";
  /** Where WebJars keep their files inside their jars. */
  public static final String WEBJARS_ROOT = "META-INF/resources/webjars";

  public static Assets load() {
    Properties paths = new Properties();
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream("hubbub-assets.properties")) {
      if (in == null) {
        throw new IllegalStateException("hubbub-assets.properties is missing from the classpath");
      }
      paths.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Assets(PREFIX + paths.getProperty("htmx"), PREFIX + paths.getProperty("htmx-ext-sse"));
  }
}
