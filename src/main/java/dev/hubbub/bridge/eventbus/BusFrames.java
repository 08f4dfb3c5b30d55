package dev.hubbub.bridge.eventbus;

import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import io.vertx.core.json.JsonObject;

/** Reading the fields of the bridge protocol's client frames: what is untrusted is checked here. */
final class BusFrames {

  private BusFrames() {
  }

  /** {@code since} from the register headers; the JS client sends header values as strings. */
  static Long sinceHeader(JsonObject headers) {
    if (headers == null || headers.getValue("since") == null) {
      return null;
    }
    Object since = headers.getValue("since");
    if (since instanceof String s) {
      return Rules.resumePoint(s, "header 'since'");
    }
    try {
      return Rules.optionalResumePoint(new JsonObject().put("since", since), "since");
    } catch (Failure.Rejected e) {
      throw Failure.badRequest("header 'since' must be " + Rules.RESUME_POINT_RANGE);
    }
  }

  static String stringOrNull(JsonObject frame, String field) {
    return frame.getValue(field) instanceof String s ? s : null;
  }
}
