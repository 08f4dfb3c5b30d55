package dev.hubbub.protocol;


import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/** What the core accepts as a room, a username and a text. Every command validates its input here. */
public final class Rules {

  public static final int MAX_USERNAME = 32;
  public static final int MAX_CID = 64;
  public static final int MAX_MESSAGE_ID = 64;
  public static final int MAX_SEARCH = 200;
  public static final int MAX_PAGE = 200;
  public static final int DEFAULT_PAGE = 50;
  private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private Rules() {
  }

  public static boolean isRoom(String room) {
    return room != null && ROOM.matcher(room).matches();
  }

  public static String room(JsonObject body) {
    return room(string(body, "room"));
  }

  /** {@link #room(JsonObject)} for a value already known to be a string. */
  public static String room(String room) {
    if (!isRoom(room)) {
      throw Failure.badRequest("room must be 1-64 characters of A-Z a-z 0-9 . _ -");
    }
    return room;
  }

  /** A username in its normal form (NFKC, see {@link Names}); look-alikes of others' names are refused by the core. */
  public static String username(JsonObject body) {
    return username(string(body, "username"));
  }

  /** {@link #username(JsonObject)} for a value already known to be a string. */
  public static String username(String given) {
    String name = Names.normalise(given);
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > MAX_USERNAME || name.isBlank()) {
      throw Failure.badRequest("username must be 1-" + MAX_USERNAME + " printable characters");
    }
    if (!name.equals(name.strip()) || name.codePoints().anyMatch(Rules::unprintable)) {
      throw Failure.badRequest("username must be 1-" + MAX_USERNAME + " printable characters without surrounding spaces");
    }
    return name;
  }

  public static String text(JsonObject body, int maxChars) {
    return text(string(body, "text"), maxChars);
  }

  /** {@link #text(JsonObject, int)} for a value already known to be a string. */
  public static String text(String text, int maxChars) {
    if (text.isBlank()) {
      throw Failure.badRequest("text must not be empty");
    }
    if (text.length() > maxChars) {
      throw Failure.badRequest("text must be at most " + maxChars + " characters");
    }
    // A lone surrogate cannot be written as UTF-8 (every client would get a '?'), and PostgreSQL refuses NUL.
    if (text.codePoints().anyMatch(c -> c != '\t' && c != '\n' && c != '\r' && Character.getType(c) == Character.CONTROL
        || Character.getType(c) == Character.SURROGATE)) {
      throw Failure.badRequest("text must not contain control characters (other than tab and line breaks) or unpaired surrogates");
    }
    return text;
  }

  /** A required string field; anything else is a 400 naming the field. */
  public static String string(JsonObject body, String field) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null) {
      throw Failure.badRequest("missing field '" + field + "'");
    }
    if (!(value instanceof String s)) {
      throw Failure.badRequest("field '" + field + "' must be a string");
    }
    return s;
  }

  /** An optional non-negative whole number such as {@code since}; null when absent. */
  public static Long optionalSeq(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 0) {
      throw Failure.badRequest("field '" + field + "' must be a whole number, 0 or more");
    }
    return n.longValue();
  }

  /**
   * The largest resume point accepted: 2^53 - 1, the largest whole number every JSON client (JavaScript
   * included) represents exactly. A room's seq never gets near it.
   */
  public static final long MAX_RESUME_POINT = 9_007_199_254_740_991L;
  public static final String RESUME_POINT_RANGE = "a whole number from 0 to " + MAX_RESUME_POINT;
  private static final java.util.regex.Pattern EPOCH = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * An optional resume point ({@code since}): a whole number 0..{@link #MAX_RESUME_POINT}, null when
   * absent. Negative, fractional, non-numeric and larger values are refused, never clamped.
   */
  public static Long optionalResumePoint(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.doubleValue() < 0
        || n.doubleValue() > MAX_RESUME_POINT) {
      throw Failure.badRequest("field '" + field + "' must be " + RESUME_POINT_RANGE);
    }
    return n.longValue();
  }

  /** A resume point given as text (a header or query parameter); {@code what} names it in the refusal. */
  public static long resumePoint(String text, String what) {
    try {
      long value = Long.parseLong(text.strip());
      if (value >= 0 && value <= MAX_RESUME_POINT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw Failure.badRequest(what + " must be " + RESUME_POINT_RANGE);
  }

  /**
   * The history epoch a client resumes in: null when absent or empty (unknown, so not checked), else
   * 1-64 of {@code A-Z a-z 0-9 _ -}.
   */
  public static String optionalEpoch(Object value, String what) {
    if (value == null || "".equals(value)) {
      return null;
    }
    if (!(value instanceof String s) || !EPOCH.matcher(s).matches()) {
      throw Failure.badRequest(what + " must be a history epoch: 1-64 letters, digits, '_' or '-'");
    }
    return s;
  }

  /** An optional client id for a chat: 1-64 characters, null when absent. */
  public static String optionalCid(JsonObject body) {
    return cidValue(body.getValue("cid"));
  }

  /** {@link #optionalCid(JsonObject)} for the field's value (null when absent). */
  public static String cidValue(Object cid) {
    if (cid == null) {
      return null;
    }
    if (!(cid instanceof String s) || s.isEmpty() || s.length() > MAX_CID) {
      throw Failure.badRequest("cid must be a string of 1-" + MAX_CID + " characters");
    }
    return s;
  }

  /** The id of a chat message named by an edit or delete. */
  public static String messageId(JsonObject body) {
    return messageId(string(body, "id"));
  }

  /** {@link #messageId(JsonObject)} for a value already known to be a string. */
  public static String messageId(String id) {
    if (id.isEmpty() || id.length() > MAX_MESSAGE_ID) {
      throw Failure.badRequest("id must be a message id of 1-" + MAX_MESSAGE_ID + " characters");
    }
    return id;
  }

  /** A page size: 1 to {@link #MAX_PAGE}, {@link #DEFAULT_PAGE} when absent. */
  public static int pageLimit(JsonObject body) {
    Object value = body.getValue("limit");
    if (value == null) {
      return DEFAULT_PAGE;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 1 || n.longValue() > MAX_PAGE) {
      throw Failure.badRequest("limit must be a whole number from 1 to " + MAX_PAGE);
    }
    return n.intValue();
  }

  /** An optional search text: 1-200 characters, not only spaces; null when absent. */
  public static String optionalSearch(JsonObject body) {
    Object value = body.getValue("q");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank() || s.length() > MAX_SEARCH) {
      throw Failure.badRequest("q must be a search text of 1-" + MAX_SEARCH + " characters");
    }
    return s;
  }

  private static boolean unprintable(int codePoint) {
    int type = Character.getType(codePoint);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE || type == Character.PRIVATE_USE;
  }
}
