package dev.hubbub.limits;

import dev.hubbub.support.Logged;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One debug line per connection open and close, with its id, on the HTTP port and the TCP bridge; no message bodies. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConnectionLogTest {

  private static final long WAIT_SECONDS = 60;
  private static final Pattern OPEN = Pattern.compile("connection ((?:http|tcp)-\\d+) open from 127\\.0\\.0\\.1");

  @Test
  void everyConnectionOpensAndClosesInOneDebugLineEachWithItsId(Vertx vertx) throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.hubbub.connections");
    Level level = logger.getLevel();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    logger.setLevel(Level.DEBUG);
    try {
      TestHub hub = await(TestHub.start(vertx));
      WsTestClient ws = await(WsTestClient.live(vertx, hub.port, "logged", "ann"));
      await(ws.chat("a secret message body"));
      await(ws.close());
      BusTestClient tcp = await(BusTestClient.tcp(vertx, hub.tcpPort()));
      tcp.send(new JsonObject().put("type", "ping"));
      await(tcp.next());
      tcp.close();

      for (String port : List.of("http", "tcp")) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!closedLine(logged, port)) {
          assertTrue(System.nanoTime() < deadline, "no open and close lines for " + port + ": " + lines(logged));
          await(vertx.timer(20)); // polled: the close handlers run asynchronously
        }
      }
      assertFalse(lines(logged).stream().anyMatch(l -> l.contains("secret")), "no message bodies: " + lines(logged));
      assertTrue(Logged.events(logged).stream().allMatch(e -> e.getLevel() == Level.DEBUG));
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(level);
    }
  }

  /** True once a connection on {@code port} has its open line and a close line with the same id. */
  private static boolean closedLine(ListAppender<ILoggingEvent> logged, String port) {
    List<String> lines = lines(logged);
    for (String line : lines) {
      Matcher open = OPEN.matcher(line);
      if (open.find() && open.group(1).startsWith(port + "-")) {
        String id = open.group(1);
        long closes = lines.stream().filter(l -> l.startsWith("connection " + id + " closed after ")).count();
        long opens = lines.stream().filter(l -> l.startsWith("connection " + id + " open ")).count();
        if (closes == 1 && opens == 1) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> lines(ListAppender<ILoggingEvent> logged) {
    return Logged.events(logged).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
