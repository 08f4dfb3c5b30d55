package dev.hubbub.startup;

import dev.hubbub.support.TempDb;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirLockTest {

  @Test
  void everyEmbeddedH2UrlFormHasItsDirectoryLockedAndServersHaveNone() {
    Path here = Path.of("").toAbsolutePath();
    assertEquals(Optional.of(here.resolve("data")), DataDirLock.directoryOf("jdbc:h2:file:./data/hubbub"));
    assertEquals(Optional.of(here.resolve("data")), DataDirLock.directoryOf("jdbc:h2:./data/hubbub;WRITE_DELAY=0"));
    assertEquals(Optional.of(Path.of("/x")), DataDirLock.directoryOf("jdbc:h2:file:/x/hub;MODE=PostgreSQL"));
    assertEquals(Optional.empty(), DataDirLock.directoryOf("jdbc:h2:mem:hub"));
    assertEquals(Optional.empty(), DataDirLock.directoryOf("jdbc:h2:tcp://db/hub"));
    assertEquals(Optional.empty(), DataDirLock.directoryOf("jdbc:postgresql://db/hub"));
  }

  @Test
  void aSecondLockOnOneDirectoryIsRefusedInOneLineUntilTheFirstIsReleased() {
    String url = TempDb.h2Url(TempDb.directory());
    DataDirLock first = DataDirLock.acquire(url).orElseThrow();
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> DataDirLock.acquire(url));
    assertTrue(refused.getMessage().contains("is in use by another hub"), refused.getMessage());
    first.release();
    DataDirLock.acquire(url).orElseThrow().release();
  }
}
