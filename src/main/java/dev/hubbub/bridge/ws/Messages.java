package dev.hubbub.bridge.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles WebSocket messages from their frames, strictly: a text message must be valid UTF-8 (RFC 6455
 * section 8.1: otherwise the endpoint fails the connection with 1007), and no message may grow past the
 * limit. Vert.x's own text aggregation would decode invalid bytes to U+FFFD and pass them on.
 */
final class Messages {

  /** What a complete message, or a broken one, turns into. */
  interface Sink {
    void text(String message);

    void binary();

    void tooBig();

    void invalidUtf8();
  }

  private final int maxBytes;
  private final Sink sink;
  private Buffer text;
  private boolean inMessage;
  private long binaryBytes;

  Messages(int maxBytes, Sink sink) {
    this.maxBytes = maxBytes;
    this.sink = sink;
  }

  void frame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      inMessage = true;
      text = frame.isText() ? Buffer.buffer() : null;
      binaryBytes = 0;
    } else if (!frame.isContinuation() || !inMessage) {
      return; // ping, pong and close are Vert.x's; a stray continuation is Netty's to refuse
    }
    Buffer data = frame.binaryData();
    if (text != null) {
      text.appendBuffer(data);
    } else {
      binaryBytes += data.length();
    }
    if ((text != null ? text.length() : binaryBytes) > maxBytes) {
      inMessage = false;
      text = null;
      sink.tooBig();
      return;
    }
    if (!frame.isFinal()) {
      return;
    }
    inMessage = false;
    if (text == null) {
      sink.binary();
      return;
    }
    Buffer complete = text;
    text = null;
    try {
      sink.text(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(complete.getBytes()))
          .toString());
    } catch (CharacterCodingException e) {
      sink.invalidUtf8();
    }
  }
}
