package dev.hubbub.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 for input from outside: bytes that are not UTF-8 are refused, never turned into U+FFFD. */
public final class Utf8 {

  private Utf8() {
  }

  public static String strict(Buffer bytes) throws CharacterCodingException {
    // newDecoder() reports malformed input by default (String's constructor would replace it).
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.getBytes())).toString();
  }
}
