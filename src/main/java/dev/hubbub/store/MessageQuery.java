package dev.hubbub.store;

/**
 * A page of a room's chat messages, always returned oldest first.
 *
 * <ul>
 *   <li>{@code after} set: the first {@code limit} messages with {@code seq > after} (paging forwards),
 *       also bounded by {@code before} when that is set.</li>
 *   <li>{@code after} null: the last {@code limit} messages with {@code seq < before}, or the latest
 *       ones when {@code before} is null too (paging backwards).</li>
 *   <li>{@code search} set: only messages whose text contains it, ignoring case; deleted ones never match.</li>
 * </ul>
 */
public record MessageQuery(String room, Long after, Long before, int limit, String search) {

  public boolean forwards() {
    return after != null;
  }

  /** The exclusive lower seq bound, 0 when open. */
  public long lowerBound() {
    return after == null ? 0 : after;
  }

  /** The exclusive upper seq bound, {@link Long#MAX_VALUE} when open. */
  public long upperBound() {
    return before == null ? Long.MAX_VALUE : before;
  }

  /** True when {@code text} matches the search (or there is none). */
  public boolean matches(String text) {
    return search == null || (text != null && text.toLowerCase(java.util.Locale.ROOT).contains(search.toLowerCase(java.util.Locale.ROOT)));
  }
}
