package dev.hubbub.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Failure codes of command replies, chosen to map one-to-one onto HTTP statuses. */
public final class Failure {

  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int TOO_MANY = 429;
  public static final int UNAVAILABLE = 503;

  private Failure() {
  }

  /** Thrown by validation inside a command handler; the handler turns it into a failed reply. */
  public static final class Rejected extends RuntimeException {
    public final int code;

    public Rejected(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  public static Rejected badRequest(String message) {
    return new Rejected(BAD_REQUEST, message);
  }

  public static Rejected forbidden(String message) {
    return new Rejected(FORBIDDEN, message);
  }

  public static Rejected unauthorized(String message) {
    return new Rejected(UNAUTHORIZED, message);
  }

  public static Rejected notFound(String message) {
    return new Rejected(NOT_FOUND, message);
  }

  public static Rejected conflict(String message) {
    return new Rejected(CONFLICT, message);
  }

  /** Replies to {@code message} with the failure's code, or 500 for anything unexpected. */
  public static void reply(Message<?> message, Throwable failure) {
    if (failure instanceof Rejected rejected) {
      message.fail(rejected.code, rejected.getMessage());
    } else if (failure instanceof ReplyException forwarded && forwarded.failureCode() > 0) {
      message.fail(forwarded.failureCode(), forwarded.getMessage());
    } else {
      message.fail(500, "internal error");
    }
  }

  /** The code carried by a failed request, 500 when the failure did not come from a command. */
  public static int codeOf(Throwable failure) {
    if (failure instanceof Rejected rejected) {
      return rejected.code;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> reply.failureCode() >= 400 && reply.failureCode() < 600 ? reply.failureCode() : 500;
        case NO_HANDLERS, TIMEOUT -> UNAVAILABLE;
        default -> 500;
      };
    }
    return 500;
  }

  /**
   * A message fit for the user: the command's own text for 4xx and for a 503 the core answered itself
   * (e.g. "message not stored, try again"), a generic one otherwise.
   */
  public static String messageOf(Throwable failure) {
    int code = codeOf(failure);
    boolean answered503 = code == UNAVAILABLE && failure instanceof ReplyException reply
        && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.getMessage() != null;
    if (code < 500 || answered503) {
      return failure.getMessage();
    }
    return code == UNAVAILABLE ? "the hub is busy, try again" : "internal error";
  }
}
