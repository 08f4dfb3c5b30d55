package dev.hubbub.web.pages;

/**
 * The dashboard's account box: who is logged in, or the login/register form.
 *
 * @param username  null when nobody is logged in
 * @param guests    whether the hub admits guests (else the figures need a login)
 * @param csrfToken sent back with the form posts
 * @param error     why the last login or registration failed, or null
 */
public record AccountView(String username, boolean guests, String csrfToken, String error) {

  public boolean loggedIn() {
    return username != null;
  }
}
