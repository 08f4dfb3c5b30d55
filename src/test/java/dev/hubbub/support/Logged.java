package dev.hubbub.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.util.List;

/** Reading what a test's {@link ListAppender} caught while the hub may still be logging. */
public final class Logged {

  private Logged() {
  }

  /** A copy of the events so far: the appender adds to its list under its own lock (AppenderBase.doAppend). */
  public static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }
}
