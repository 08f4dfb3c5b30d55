package dev.hubbub.web.pages;

import java.util.List;

/**
 * The answer to a room search: the matching messages (current text, oldest first), whether older matches
 * exist beyond them, or the reason the query was refused.
 */
public record SearchView(String room, String q, List<MessageView> results, boolean more, String error, Assets assets) {

  public boolean searched() {
    return error == null && !q.isEmpty();
  }
}
