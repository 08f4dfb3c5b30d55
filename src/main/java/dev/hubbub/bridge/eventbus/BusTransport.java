package dev.hubbub.bridge.eventbus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** What carries the frames: a SockJS socket or a TCP socket. */
interface BusTransport {
  void write(Buffer frame);

  boolean writeQueueFull();

  /** True when the peer is gone although the close handler may not have run yet; never throws. */
  boolean isClosed();

  void close();

  /** A transport over {@code stream}, ended by {@code close}. */
  static BusTransport of(WriteStream<Buffer> stream, Runnable close) {
    return new BusTransport() {
      @Override
      public void write(Buffer frame) {
        stream.write(frame);
      }

      @Override
      public boolean writeQueueFull() {
        return stream.writeQueueFull();
      }

      @Override
      public boolean isClosed() {
        try {
          stream.writeQueueFull(); // a closed SockJS WebSocket throws here ("WebSocket is closed")
          return false;
        } catch (IllegalStateException e) {
          return true;
        }
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }
}
