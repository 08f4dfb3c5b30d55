package dev.hubbub.web.pages;

/**
 * The message form of a room page, as rendered: what the user typed is kept when the post was refused.
 *
 * @param error a message for the user, or null
 * @param focus put the cursor in the text field (after an htmx post swapped the form)
 */
public record PostForm(String room, String username, String text, String error, boolean focus, int maxText) {

  public String action() {
    return "/rooms/" + room + "/messages";
  }
}
