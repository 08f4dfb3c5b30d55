package dev.hubbub.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * The event-bus codec of the write commands ({@link WriteCommand.Post}, {@link WriteCommand.Edit},
 * {@link WriteCommand.Delete}) and their {@link Ack}, the default for each of those classes. Locally a
 * value is passed as it is (immutable, so no copy). Between nodes it travels as its JSON body (a length,
 * then the UTF-8 JSON): exactly what a JSON sender of that address writes, or reads as the reply.
 *
 * <p>Vert.x picks a default codec by a body's exact class and wants a name per codec, so there is one
 * instance per class, named after it; the name on the wire tells the receiving node which record to build.
 */
public final class CommandCodec<T> implements MessageCodec<T, T> {

  private final String name;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  private CommandCodec(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.name = name;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  static final CommandCodec<WriteCommand.Post> POST = new CommandCodec<>("hubbub.codec.post", WriteCommand.Post::toJson, WriteCommand.Post::fromWire);
  static final CommandCodec<WriteCommand.Edit> EDIT = new CommandCodec<>("hubbub.codec.edit", WriteCommand.Edit::toJson, WriteCommand.Edit::fromWire);
  static final CommandCodec<WriteCommand.Delete> DELETE = new CommandCodec<>("hubbub.codec.delete", WriteCommand.Delete::toJson,
      WriteCommand.Delete::fromWire);
  static final CommandCodec<Ack> ACK = new CommandCodec<>("hubbub.codec.ack", Ack::toJson, Ack::fromWire);

  /** Registers the codecs on {@code bus} unless they already are; safe to call from every verticle. */
  public static void register(EventBus bus) {
    Codecs.registerDefault(bus, WriteCommand.Post.class, POST);
    Codecs.registerDefault(bus, WriteCommand.Edit.class, EDIT);
    Codecs.registerDefault(bus, WriteCommand.Delete.class, DELETE);
    Codecs.registerDefault(bus, Ack.class, ACK);
  }

  public static void register(Vertx vertx) {
    register(vertx.eventBus());
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value).toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
