package dev.hubbub.web.pages;

import dev.hubbub.bridge.sse.HtmlFragments;
import dev.hubbub.protocol.Events;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import gg.jte.output.Utf8ByteOutput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the jte templates of {@code src/main/jte}. They are compiled to Java classes at build time
 * (jte-maven-plugin) in HTML mode, so every {@code ${...}} is escaped for the context it appears in.
 */
public final class Views implements HtmlFragments {

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
  private final Assets assets;

  public Views(Assets assets) {
    this.assets = assets;
  }

  public Assets assets() {
    return assets;
  }

  public String render(String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    engine.render(template, params, out);
    return out.toString();
  }

  /** The watcher count of the room page, replaced in place as htmx polls it. */
  public String watchers(String room, int count) {
    return render("fragments/watchers.jte", Map.of("room", room, "count", count));
  }

  /**
   * The room page, the hottest page, rendered straight to UTF-8 bytes: its static parts are encoded once
   * at build time (jte's binary static content), and nothing is encoded again on the way out.
   */
  public Buffer room(RoomView view) {
    Utf8ByteOutput out = new Utf8ByteOutput();
    engine.render("pages/room.jte", Map.of("view", view), out);
    return Buffer.buffer(out.toByteArray());
  }

  /** {@code stats} is null when the reader may not see the figures (guests are not admitted and nobody is logged in). */
  public String dashboard(StatsView stats, AccountView account) {
    Map<String, Object> params = new HashMap<>();
    params.put("stats", stats);
    params.put("account", account);
    params.put("assets", assets);
    return render("pages/dashboard.jte", params);
  }

  public String notice(String text) {
    return render("fragments/notice.jte", Map.of("text", text));
  }

  public String error(int status, String message) {
    return render("pages/error.jte", Map.of("status", status, "message", message, "assets", assets));
  }

  /** The full search page, for a browser without JavaScript. */
  public String searchPage(SearchView search) {
    return render("pages/search.jte", Map.of("search", search));
  }

  /** Just the results, for htmx to put under the room page's search box. */
  public String searchResults(SearchView search) {
    return render("fragments/searchResults.jte", Map.of("search", search));
  }

  public String postForm(PostForm form) {
    return render("fragments/postForm.jte", Map.of("form", form));
  }

  /** Chat lines are appended; edits and deletions replace the message element out of band, by id. */
  @Override
  public String feedEvent(JsonObject event) {
    return switch (event.getString("type", "")) {
      case Events.CHAT -> render("fragments/message.jte", Map.of("m", MessageView.of(event), "oob", false));
      case Events.EDITED, Events.DELETED -> render("fragments/message.jte", Map.of("m", MessageView.of(event), "oob", true));
      case Events.JOINED -> render("fragments/presence.jte", Map.of("username", event.getString("username", ""), "joined", true));
      case Events.LEFT -> render("fragments/presence.jte", Map.of("username", event.getString("username", ""), "joined", false));
      case Events.ROSTER -> render("fragments/roster.jte",
          Map.of("users", event.getJsonArray("users").stream().map(String::valueOf).toList()));
      case "truncated" -> render("fragments/notice.jte",
          Map.of("text", "Some messages were missed while you were away; reload the page to see them."));
      default -> "";
    };
  }

  @Override
  public String stats(JsonObject snapshot) {
    return render("fragments/stats.jte", Map.of("stats", StatsView.of(snapshot)));
  }

  static List<String> users(JsonObject reply) {
    return reply.getJsonArray("users").stream().map(String::valueOf).toList();
  }
}
