package dev.hubbub.feed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * The log of a shard's failed writes: the first failure of an outage at error level, then one summary per
 * {@link #SUMMARY_MS} while it lasts, and one line when writes work again. A database outage under load
 * fails hundreds of batches a second; a line for each would bury everything else in the log.
 */
final class WriteOutage {

  static final long SUMMARY_MS = 10_000;

  private final Logger log;
  private final int shard;
  private final LongSupplier clock;
  private long failedBatches;
  private long failedCommands;
  /** Failures since the last line written. */
  private long unreported;
  private long lastLine;

  WriteOutage(int shard) {
    this(LoggerFactory.getLogger(ShardWriter.class), shard, System::currentTimeMillis);
  }

  WriteOutage(Logger log, int shard, LongSupplier clock) {
    this.log = log;
    this.shard = shard;
    this.clock = clock;
  }

  void failed(int commands, Throwable cause) {
    long now = clock.getAsLong();
    failedBatches++;
    failedCommands += commands;
    if (failedBatches == 1) {
      log.error("shard {}: writing a batch of {} commands failed (503 to each): {}", shard, commands, cause.getMessage());
      lastLine = now;
      return;
    }
    unreported++;
    if (now - lastLine >= SUMMARY_MS) {
      log.error("shard {}: {} more batches failed in the last {} s, {} commands in all so far: {}",
          shard, unreported, (now - lastLine) / 1000, failedCommands, cause.getMessage());
      unreported = 0;
      lastLine = now;
    }
  }

  void recovered() {
    if (failedBatches > 0) {
      log.info("shard {}: writes work again, after {} failed batches ({} commands answered 503)", shard, failedBatches, failedCommands);
      failedBatches = 0;
      failedCommands = 0;
      unreported = 0;
    }
  }
}
