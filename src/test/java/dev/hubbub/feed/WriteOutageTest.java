package dev.hubbub.feed;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubbub.support.Logged;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An outage of many failed writes is a few log lines, not one per batch. */
class WriteOutageTest {

  @Test
  void anOutageIsItsFirstFailureASummaryPerIntervalAndItsEnd() {
    Logger logger = (Logger) LoggerFactory.getLogger("WriteOutageTest." + System.nanoTime());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    long[] now = {0};
    WriteOutage outage = new WriteOutage(logger, 3, () -> now[0]);
    RuntimeException down = new RuntimeException("connection refused");

    for (int i = 0; i < 1000; i++) {
      now[0] = i * 25L; // 40 failed batches a second for 25 s
      outage.failed(2, down);
    }
    outage.recovered();
    outage.recovered();

    List<String> lines = Logged.events(appender).stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(4, lines.size(), "the first failure, two summaries in 25 s, the recovery: " + lines);
    assertTrue(lines.get(0).contains("batch of 2 commands failed") && lines.get(0).contains("connection refused"), lines.get(0));
    assertTrue(lines.get(1).startsWith("shard 3: 400 more batches failed in the last 10 s"), lines.get(1));
    assertTrue(lines.get(3).contains("after 1000 failed batches (2000 commands answered 503)"), lines.get(3));
  }
}
