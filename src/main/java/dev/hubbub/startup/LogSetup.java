package dev.hubbub.startup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Hubbub's logging, set up in code (found by Logback through {@code META-INF/services}): reading a
 * {@code logback.xml} costs Logback's XML parser and configuration model, several hundred classes and a
 * good part of a second on the start path. An operator's own file still wins: with
 * {@code -Dlogback.configurationFile=...} (see {@code deploy/logback.xml}, the same settings as XML) this
 * steps aside and Logback reads that file.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    context.getLogger("io.netty").setLevel(Level.WARN);
    // Clustering: ClusteredVertx logs the members at start and on every change; Hazelcast's own INFO is noise.
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
    context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
    // Databases logs the schema version once; Flyway's step-by-step lines are noise at start-up.
    context.getLogger("org.flywaydb").setLevel(Level.WARN);
    // When a room's last local reader leaves, events already queued for its consumer are dropped by
    // design (nobody is left to read them); Vert.x warns once per event, which floods the log.
    context.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl").setLevel(Level.ERROR);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
