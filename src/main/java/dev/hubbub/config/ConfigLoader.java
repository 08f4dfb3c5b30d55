package dev.hubbub.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the effective configuration: built-in defaults, then the config file, then environment variables.
 *
 * <p>Every setting is a leaf of the JSON tree and can be overridden by one environment variable whose
 * name is {@code HUBBUB_} followed by the path, each camelCase segment written in UPPER_SNAKE_CASE and the
 * segments joined by {@code _}: {@code http.port} is {@code HUBBUB_HTTP_PORT}, {@code limits.maxTextChars}
 * is {@code HUBBUB_LIMITS_MAX_TEXT_CHARS}. The value is parsed as the type of the default it replaces.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "/hubbub-defaults.json";
  static final String ENV_PREFIX = "HUBBUB";

  private ConfigLoader() {
  }

  /** Defaults merged with {@code file} (skipped when absent and not explicitly requested) and {@code env}. */
  public static JsonObject load(Path file, boolean fileRequired, Map<String, String> env) {
    JsonObject config = defaults();
    if (Files.exists(file)) {
      config.mergeIn(readFile(file), true);
    } else if (fileRequired) {
      throw new IllegalArgumentException("config file not found: " + file.toAbsolutePath());
    }
    applyEnvironment(config, ENV_PREFIX, env);
    return config;
  }

  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " on the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config file " + file + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static void applyEnvironment(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : node.fieldNames()) {
      String name = prefix + "_" + upperSnake(key);
      Object current = node.getValue(key);
      if (current instanceof JsonObject child) {
        applyEnvironment(child, name, env);
      } else if (env.containsKey(name)) {
        node.put(key, parseLike(current, env.get(name), name));
      }
    }
  }

  /** {@code maxTextChars} becomes {@code MAX_TEXT_CHARS}. */
  public static String upperSnake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_').toUpperCase();
  }

  private static Object parseLike(Object current, String raw, String name) {
    String value = raw.trim();
    try {
      if (current instanceof Integer) {
        return Integer.parseInt(value);
      }
      if (current instanceof Long) {
        return Long.parseLong(value);
      }
      if (current instanceof Number) {
        return Double.parseDouble(value);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + raw + "'");
    }
    if (current instanceof Boolean) {
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
      }
      return Boolean.parseBoolean(value);
    }
    return raw;
  }
}
