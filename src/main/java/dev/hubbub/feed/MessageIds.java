package dev.hubbub.feed;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New chat message ids: UUID strings in the version 7 layout, whose first 48 bits are the creation time in
 * milliseconds and the rest random. Each id sorts after the ids of earlier milliseconds, so the store's
 * index on message ids grows at its end: a commit rewrites the index's last page or two, where random
 * (version 4) ids put every message on a random page, each rewritten in full by the commit. Ids stay
 * opaque to clients; nothing needs them secret (edits and deletions check who wrote the message).
 */
final class MessageIds {

  private MessageIds() {
  }

  static String next(long nowMs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (nowMs << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
