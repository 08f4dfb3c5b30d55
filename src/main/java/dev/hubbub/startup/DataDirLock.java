package dev.hubbub.startup;

import dev.hubbub.store.StoreFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One hub per data directory: the sequencer must be the only writer of its history. A hub on an H2 file
 * database holds an OS lock on {@code hubbub.lock} in the database's directory for as long as it runs;
 * a second hub there stops at once with a message naming the directory.
 */
public final class DataDirLock {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The directory an embedded H2 database keeps its file in ({@link StoreFile#of}), if it is one. */
  static Optional<Path> directoryOf(String url) {
    Path file = StoreFile.of(url);
    return file == null ? Optional.empty() : Optional.ofNullable(file.toAbsolutePath().normalize().getParent());
  }

  /** Locks the data directory of {@code dbUrl}, or returns empty for databases that are not H2 files. */
  public static Optional<DataDirLock> acquire(String dbUrl) {
    Optional<Path> dir = directoryOf(dbUrl);
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path file = dir.get().resolve("hubbub.lock");
    try {
      Files.createDirectories(dir.get());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("the data directory " + dir.get() + " is in use by another hub (it holds " + file
            + "): stop it, or set db.url / HUBBUB_DB_URL to another directory");
      }
      return Optional.of(new DataDirLock(channel, lock));
    } catch (IOException e) {
      throw new IllegalStateException("cannot lock the data directory " + dir.get() + ": " + e.getMessage(), e);
    }
  }

  public void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is ending anyway
    }
  }
}
