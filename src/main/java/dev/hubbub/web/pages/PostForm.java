package dev.hubbub.web.pages;

/**
 * The message form of a room page, as rendered: what the user typed is kept when the post was refused.
 *
 * @param username  a guest's remembered name, or the logged-in user's (then the field is locked)
 * @param loggedIn  the name comes from the login and cannot be changed here
 * @param error     a message for the user, or null
 * @param focus     put the cursor in the text field (after an htmx post swapped the form)
 * @param csrfToken sent back with the post, as a form field and as the htmx header
 */
public record PostForm(String room, String username, boolean loggedIn, String text, String error, boolean focus, int maxText,
                       String csrfToken) {

  public String action() {
    return "/rooms/" + room + "/messages";
  }

  /** The {@code hx-headers} JSON; the token is base64url and dots, so it needs no escaping inside the JSON. */
  public String hxHeaders() {
    return "{\"X-XSRF-TOKEN\": \"" + (csrfToken == null ? "" : csrfToken) + "\"}";
  }
}
