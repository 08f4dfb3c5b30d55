package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.config.ConfigLoader;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.WriteCommand;
import dev.hubbub.store.AppendConflict;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.CommitGroup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequencer shards on a scripted store whose appends the test completes: pipelining across rooms, a
 * failed write in the middle of a pipeline (no gap, no ack, no publish), the unique-key fence, the access
 * cache and the routing of public addresses to the owning shard.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardPipelineTest {

  private Vertx vertx;
  private final List<ScriptedStore> stores = new ArrayList<>();
  private final AtomicInteger accessAsks = new AtomicInteger();
  private final BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.ACCESS, m -> {
      accessAsks.incrementAndGet();
      m.reply(new JsonObject().put("room", m.body().getString("room")).put("read", true).put("write", true));
    });
    vertx.eventBus().<FeedEvent>consumer(Addresses.STORED, m -> published.add(m.body().toJson()));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private void deployShards(int shards) throws Exception {
    RoomOwners.install(vertx, new LocalRoomOwners(shards));
    JsonObject config = ConfigLoader.defaults().put("db", ConfigLoader.defaults().getJsonObject("db").put("url", "memory"));
    for (int i = 0; i < shards; i++) {
      ScriptedStore store = new ScriptedStore();
      stores.add(store);
      await(vertx.deployVerticle(new SequencerVerticle(null, i, self -> store), new DeploymentOptions().setConfig(config)));
    }
  }

  /**
   * As on a hub: every shard's appends go through one commit group, whose transactions are the appends of
   * {@code database} (which the test completes). Returns the group.
   */
  private CommitGroup deployShardsSharing(int shards, ScriptedStore database) throws Exception {
    CommitGroup group = new CommitGroup(vertx.getOrCreateContext(), database);
    RoomOwners.install(vertx, new LocalRoomOwners(shards));
    JsonObject config = ConfigLoader.defaults().put("db", ConfigLoader.defaults().getJsonObject("db").put("url", "memory"));
    for (int i = 0; i < shards; i++) {
      ScriptedStore store = new ScriptedStore();
      store.commits = group;
      stores.add(store);
      await(vertx.deployVerticle(new SequencerVerticle(null, i, self -> store), new DeploymentOptions().setConfig(config)));
    }
    return group;
  }

  /** Waits (bounded) until {@code n} appends are queued behind the group's transaction in flight. */
  private static void awaitWaiting(CommitGroup group, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (group.waiting() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(group.waiting() + " appends waiting, expected " + n);
      }
      Thread.onSpinWait();
    }
  }

  /** Holds a transaction of room {@code rooms[0]} in flight, then queues a chat of each other room behind it. */
  private List<Future<Message<JsonObject>>> queueBehindOneCommit(CommitGroup group, ScriptedStore database, String... rooms)
      throws Exception {
    Future<Message<JsonObject>> first = chat(Addresses.CHAT, rooms[0], "first", null);
    ScriptedStore.Append inFlight = database.nextAppend();
    List<Future<Message<JsonObject>>> queued = new ArrayList<>();
    for (int i = 1; i < rooms.length; i++) {
      queued.add(chat(Addresses.CHAT, rooms[i], "in " + rooms[i], rooms[i].equals("dup") ? "c-1" : null));
    }
    awaitWaiting(group, rooms.length - 1);
    assertNull(database.appends.poll(), "a second transaction started while one was in flight");
    inFlight.commit();
    assertEquals(1, await(first).body().getLong("seq"));
    assertEquals("first", published.poll(10, TimeUnit.SECONDS).getString("text"));
    return queued;
  }

  @Test
  void theBatchesOfEveryShardArrivingDuringACommitShareTheNextTransaction() throws Exception {
    ScriptedStore database = new ScriptedStore();
    CommitGroup group = deployShardsSharing(2, database);
    LocalRoomOwners owners = new LocalRoomOwners(2);
    String[] rooms = roomsOnEachShard(owners);
    String alsoOnShard0 = anotherRoomOn(owners, 0, rooms[0]);
    List<Future<Message<JsonObject>>> queued = queueBehindOneCommit(group, database, rooms[0], rooms[1], alsoOnShard0);

    ScriptedStore.Append shared = database.nextAppend();
    assertEquals(Set.of("in " + rooms[1], "in " + alsoOnShard0), Set.copyOf(shared.texts()), "one transaction for both shards");
    settle();
    assertTrue(queued.stream().noneMatch(Future::isComplete), "acknowledged before the shared commit");
    assertTrue(published.isEmpty(), "published before the shared commit: " + published);
    shared.commit();
    for (Future<Message<JsonObject>> ack : queued) {
      assertEquals(1, await(ack).body().getLong("seq"));
    }
    assertEquals(2, List.of(published.poll(10, TimeUnit.SECONDS), published.poll(10, TimeUnit.SECONDS)).size());
    assertNull(database.appends.poll());
  }

  @Test
  void aFailedSharedTransactionFailsEveryBatchInItAndTheirSeqsAreReused() throws Exception {
    ScriptedStore database = new ScriptedStore();
    CommitGroup group = deployShardsSharing(2, database);
    LocalRoomOwners owners = new LocalRoomOwners(2);
    String[] rooms = roomsOnEachShard(owners);
    List<Future<Message<JsonObject>>> queued = queueBehindOneCommit(group, database, rooms[0], rooms[1],
        anotherRoomOn(owners, 0, rooms[0]));

    database.nextAppend().fail(new IllegalStateException("disk on fire"));
    for (Future<Message<JsonObject>> refused : queued) {
      assertEquals(Failure.UNAVAILABLE, ((ReplyException) failure(refused)).failureCode());
    }
    assertEquals(1, database.failures.get(), "the group's writer did not let its connections go");
    assertNull(database.appends.poll(), "a failed group was retried behind the callers' backs");
    settle();
    assertTrue(published.isEmpty(), "published a failed write: " + published);

    Future<Message<JsonObject>> again = chat(Addresses.CHAT, rooms[1], "again", null);
    ScriptedStore.Append retry = database.nextAppend();
    assertEquals(1, retry.seq(0), "a gap after the failed group");
    retry.commit();
    assertEquals(1, await(again).body().getLong("seq"));
  }

  @Test
  void aSharedTransactionRefusedByAUniqueKeyIsWrittenBatchByBatchAndOnlyTheConflictingOneReplans() throws Exception {
    ScriptedStore database = new ScriptedStore();
    CommitGroup group = deployShardsSharing(2, database);
    LocalRoomOwners owners = new LocalRoomOwners(2);
    String[] rooms = roomsOnEachShard(owners);
    // "dup" repeats a stored cid; the room of the other shard is innocent.
    String innocent = rooms[1 - owners.shardOf("dup")];
    stores.get(owners.shardOf("dup")).cids.put(new CidKey("dup", "ann", "c-1"),
        Events.chat("dup", "ann", "in dup", 123, 4, "stored-id"));
    List<Future<Message<JsonObject>>> queued = queueBehindOneCommit(group, database, rooms[owners.shardOf("dup")], innocent, "dup");

    ScriptedStore.Append together = database.nextAppend();
    assertEquals(2, together.rows().size());
    together.fail(new AppendConflict("cid c-1 already stored", null));
    for (int i = 0; i < 2; i++) {
      ScriptedStore.Append alone = database.nextAppend();
      assertEquals(1, alone.rows().size(), "not written alone after the conflict");
      if (alone.room().equals("dup")) {
        alone.fail(new AppendConflict("cid c-1 already stored", null));
      } else {
        alone.commit();
      }
    }
    assertEquals(1, await(queued.get(0)).body().getLong("seq"), "the innocent batch was not committed");
    JsonObject repeat = await(queued.get(1)).body();
    assertEquals("stored-id", repeat.getString("id"));
    assertTrue(repeat.getBoolean("duplicate"));
    assertEquals("in " + innocent, published.poll(10, TimeUnit.SECONDS).getString("text"));
    settle();
    assertTrue(published.isEmpty(), "the refused chat was published: " + published);
    assertEquals(0, database.failures.get(), "a unique-key refusal is the database working");
    assertNull(database.appends.poll());
  }

  private Future<Message<JsonObject>> chat(String address, String room, String text, String cid) {
    JsonObject command = Identity.guest("ann").into(new JsonObject().put("room", room).put("text", text));
    if (cid != null) {
      command.put("cid", cid);
    }
    return vertx.eventBus().request(address, command);
  }

  /** A round trip through the shard's own event loop after its earlier commands were taken in. */
  private void settle() throws Exception {
    await(vertx.eventBus().request(Addresses.HISTORY, Identity.guest("ann").into(new JsonObject().put("room", "zz"))));
  }

  @Test
  void aFailedWriteInTheMiddleOfThePipelineLeavesNoGapAndNoAck() throws Exception {
    deployShards(1);
    ScriptedStore store = stores.get(0);
    Future<Message<JsonObject>> a1 = chat(Addresses.CHAT, "a", "a1", null);
    ScriptedStore.Append first = store.nextAppend();
    assertEquals("a", first.room());
    assertEquals(1, first.seq(0));

    // Room a has a batch outstanding: its next command waits rather than take seq 2 behind a write that may
    // fail. Room b is free: its batch is planned and appended while room a's still commits.
    Future<Message<JsonObject>> a2 = chat(Addresses.CHAT, "a", "a2", null);
    Future<Message<JsonObject>> b1 = chat(Addresses.CHAT, "b", "b1", null);
    ScriptedStore.Append second = store.nextAppend();
    assertEquals(List.of("b1"), second.texts());
    settle();
    assertNull(store.appends.poll(), "a second batch of room a went out while its first was in flight");

    first.fail(new IllegalStateException("disk on fire"));
    ReplyException refused = assertInstanceOf(ReplyException.class, failure(a1));
    assertEquals(Failure.UNAVAILABLE, refused.failureCode());

    // The failed seq is reused: no gap.
    ScriptedStore.Append third = store.nextAppend();
    assertEquals("a", third.room());
    assertEquals(1, third.seq(0));
    assertEquals("a2", third.text(0));
    assertTrue(published.isEmpty(), "published before commit: " + published);

    third.commit();
    assertEquals(1, await(a2).body().getLong("seq"));
    second.commit();
    assertEquals(1, await(b1).body().getLong("seq"));
    List<String> texts = new ArrayList<>();
    texts.add(published.poll(10, TimeUnit.SECONDS).getString("text"));
    texts.add(published.poll(10, TimeUnit.SECONDS).getString("text"));
    assertEquals(List.of("a2", "b1"), texts, "a1 failed and must never be published");
  }

  @Test
  void aRepeatedCidIsCaughtByTheUniqueKeyWithoutAReadBeforehand() throws Exception {
    deployShards(1);
    ScriptedStore store = stores.get(0);
    store.heads.put("a", 7L);
    store.cids.put(new CidKey("a", "ann", "c-1"),
        Events.chat("a", "ann", "hello", 123, 4, "stored-id"));
    Future<Message<JsonObject>> repeat = chat(Addresses.CHAT, "a", "hello", "c-1");
    ScriptedStore.Append optimistic = store.nextAppend();
    assertEquals(8, optimistic.seq(0));
    assertEquals(0, store.cidReads.get(), "a new-looking cid was read before the write");

    optimistic.fail(new AppendConflict("cid c-1 already stored", null));
    JsonObject ack = await(repeat).body();
    assertEquals("stored-id", ack.getString("id"));
    assertEquals(4, ack.getLong("seq"));
    assertTrue(ack.getBoolean("duplicate"));
    assertEquals(1, store.cidReads.get());

    // Nothing was written: the next chat takes seq 8, after re-reading the head.
    Future<Message<JsonObject>> next = chat(Addresses.CHAT, "a", "new", "c-2");
    ScriptedStore.Append append = store.nextAppend();
    assertEquals(8, append.seq(0));
    append.commit();
    assertEquals(8, await(next).body().getLong("seq"));
    assertEquals("new", published.poll(10, TimeUnit.SECONDS).getString("text"));
    assertTrue(published.isEmpty());
  }

  @Test
  void aSeqTakenByAnotherWriterDropsTheHeadAndRetriesWithoutPublishing() throws Exception {
    deployShards(1);
    ScriptedStore store = stores.get(0);
    Future<Message<JsonObject>> first = chat(Addresses.CHAT, "a", "one", null);
    ScriptedStore.Append append = store.nextAppend();
    append.commit();
    assertEquals(1, await(first).body().getLong("seq"));
    published.poll(10, TimeUnit.SECONDS);

    // A stale owner elsewhere wrote seqs 2-5 meanwhile: the cached head (1) collides.
    store.heads.put("a", 5L);
    Future<Message<JsonObject>> second = chat(Addresses.CHAT, "a", "two", null);
    ScriptedStore.Append stale = store.nextAppend();
    assertEquals(2, stale.seq(0));
    int readsBefore = store.headReads.get();
    stale.fail(new AppendConflict("seq 2 already stored in room a", null));
    ScriptedStore.Append retried = store.nextAppend();
    assertEquals(readsBefore + 1, store.headReads.get());
    assertEquals(6, retried.seq(0));
    assertTrue(published.isEmpty(), "the colliding write was published");
    retried.commit();
    assertEquals(6, await(second).body().getLong("seq"));
    assertEquals(6, published.poll(10, TimeUnit.SECONDS).getLong("seq"));
  }

  @Test
  void accessIsAskedOncePerRoomAndIdentityUntilItChanges() throws Exception {
    deployShards(1);
    ScriptedStore store = stores.get(0);
    for (int i = 1; i <= 3; i++) {
      Future<Message<JsonObject>> sent = chat(Addresses.CHAT, "a", "m" + i, null);
      store.nextAppend().commit();
      assertEquals(i, await(sent).body().getLong("seq"));
    }
    assertEquals(1, accessAsks.get());

    // A room's access changed; an account was registered (a guest may no longer use its name); one was deleted.
    for (String change : List.of(Addresses.ACCESS_CHANGED, Addresses.ACCOUNT_CREATED, Addresses.ACCOUNT_DELETED)) {
      vertx.eventBus().publish(change, new JsonObject().put("room", "a").put("private", false).put("username", "ann"));
      settle();
      int before = accessAsks.get();
      Future<Message<JsonObject>> sent = chat(Addresses.CHAT, "a", "after " + change, null);
      store.nextAppend().commit();
      await(sent);
      assertEquals(before + 1, accessAsks.get(), "access was not asked again after " + change);
    }
  }

  @Test
  void thePublicAddressReachesTheOwningShardAndTheDrainEveryShard() throws Exception {
    deployShards(2);
    LocalRoomOwners owners = new LocalRoomOwners(2);
    String[] rooms = roomsOnEachShard(owners);
    for (String room : rooms) {
      // Twice, so the public address's round robin hits both shards.
      for (int i = 1; i <= 2; i++) {
        Future<Message<JsonObject>> sent = chat(Addresses.CHAT, room, "hi", null);
        ScriptedStore.Append append = stores.get(owners.shardOf(room)).nextAppend();
        assertEquals(room, append.room());
        append.commit();
        assertEquals(i, await(sent).body().getLong("seq"));
      }
    }
    Future<Message<JsonObject>> direct = chat(owners.address(rooms[1], Addresses.CHAT), rooms[1], "direct", null);
    stores.get(1).nextAppend().commit();
    assertEquals(3, await(direct).body().getLong("seq"));
    stores.forEach(s -> assertNull(s.appends.poll()));

    // Shard 1 holds a write while the drain starts: the drain answers only after it.
    Future<Message<JsonObject>> held = chat(Addresses.CHAT, rooms[1], "held", null);
    ScriptedStore.Append pending = stores.get(1).nextAppend();
    Future<Message<JsonObject>> drain = vertx.eventBus().request(Addresses.DRAIN, new JsonObject());
    settle();
    assertTrue(!drain.isComplete(), "drained while shard 1 still had a write in flight");
    pending.commit();
    assertEquals(1, await(drain).body().getInteger("commands"));
    assertEquals(4, await(held).body().getLong("seq"));
    assertEquals(Failure.UNAVAILABLE, ((ReplyException) failure(chat(Addresses.CHAT, rooms[0], "late", null))).failureCode());
  }

  @Test
  void aTypedCommandIsTakenAsItIsAndAnsweredTypedWhileAJsonOneIsAnsweredInJson() throws Exception {
    deployShards(2);
    LocalRoomOwners owners = new LocalRoomOwners(2);
    String room = roomsOnEachShard(owners)[1];
    ScriptedStore store = stores.get(1);
    WriteCommand.Post post = WriteCommand.Post.of(room, Identity.guest("ann").actor(), "typed", "c-9", "10.0.0.1", 2000);

    // On the public address (either shard takes it; shard 0 forwards it, typed, to shard 1).
    Future<Message<Object>> typed = vertx.eventBus().request(Addresses.CHAT, post);
    ScriptedStore.Append append = store.nextAppend();
    assertEquals("typed", append.text(0));
    append.commit();
    Ack ack = assertInstanceOf(Ack.class, await(typed).body(), "a typed sender reads a typed ack");
    assertEquals(1, ack.seq());
    assertFalse(ack.duplicate());
    JsonObject event = published.poll(10, TimeUnit.SECONDS);
    assertEquals(List.of(room, "ann", "typed", true), List.of(event.getString("room"), event.getString("username"),
        event.getString("text"), event.getBoolean("guest")));

    // The same cid again: caught by the unique key, answered with a typed duplicate ack.
    store.heads.put(room, 1L);
    store.cids.put(new CidKey(room, "ann", "c-9"), Events.chat(room, "ann", "typed", ack.ts(), 1, ack.id()));
    Future<Message<Object>> again = vertx.eventBus().request(Addresses.CHAT, post);
    store.nextAppend().fail(new AppendConflict("cid c-9 already stored", null));
    assertEquals(ack.asDuplicate(), await(again).body());

    // A JSON body (a bridge client's) is parsed and answered in JSON.
    Future<Message<JsonObject>> json = chat(Addresses.CHAT, room, "as json", null);
    store.nextAppend().commit();
    JsonObject reply = assertInstanceOf(JsonObject.class, await(json).body(), "a JSON sender reads JSON");
    assertEquals(2, reply.getLong("seq"));
    assertEquals(Set.of("id", "seq", "ts"), reply.fieldNames());
  }

  private static String[] roomsOnEachShard(LocalRoomOwners owners) {
    String[] rooms = new String[2];
    for (int i = 0; rooms[0] == null || rooms[1] == null; i++) {
      String room = "room" + i;
      if (rooms[owners.shardOf(room)] == null) {
        rooms[owners.shardOf(room)] = room;
      }
    }
    return rooms;
  }

  private static String anotherRoomOn(LocalRoomOwners owners, int shard, String not) {
    for (int i = 0; ; i++) {
      String room = "other" + i;
      if (owners.shardOf(room) == shard && !room.equals(not)) {
        return room;
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
