package dev.hubbub.feed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sequencer's cache of room heads (the latest seq of each room), bounded: past {@code capacity} rooms
 * the least recently used head is dropped and read from the store again when its room is next written
 * to, so a hub that has seen millions of rooms keeps only the active ones in memory. Confined to the
 * sequencer's event loop.
 */
final class RoomHeads extends LinkedHashMap<String, Long> {

  private final int capacity;

  RoomHeads(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
    return size() > capacity;
  }
}
