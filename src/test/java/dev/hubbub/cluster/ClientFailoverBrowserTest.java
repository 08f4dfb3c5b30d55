package dev.hubbub.cluster;

import dev.hubbub.support.Browsers;
import dev.hubbub.support.ChatPage;
import dev.hubbub.support.HubProcess;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JS chat client given two nodes' endpoints ({@code <meta name="hubbub-endpoints">}): its node hangs
 * with a message on its way, then dies; the client goes on at the other node, resumes after the last seq it
 * had, and resends the unacknowledged message with its cid: nothing lost, nothing twice.
 */
@ExtendWith(VertxExtension.class)
@EnabledIfEnvironmentVariable(named = "HUBBUB_TEST_PG_URL", matches = "jdbc:postgresql:.+")
class ClientFailoverBrowserTest {

  private static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);

  private TestCluster cluster;
  private HubProcess victim;
  private final Browsers browsers = new Browsers();

  @AfterEach
  void stop() throws Exception {
    browsers.quitAll();
    if (victim != null) {
      victim.close();
    }
    if (cluster != null) {
      cluster.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theClientFailsOverToTheNextEndpointLosingNothingAndSendingNothingTwice(Vertx vertx, @TempDir Path dir) throws Exception {
    cluster = new TestCluster(2);
    cluster.start(1).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    TestCluster.Node a = cluster.nodes.get(0);
    int port = TestHub.freePort();
    List<String> endpoints = List.of("ws://127.0.0.1:" + port + "/ws", "ws://127.0.0.1:" + a.hub().port + "/ws");
    // The child hub serves the page from its working directory: the client as shipped, told both nodes.
    copyWebroot(dir.resolve("webroot"), endpoints);
    victim = HubProcess.start(dir, cluster.processConfig(1, port, TestHub.freePort()), 90);
    awaitMembers(a, 2);
    String room = TestCluster.roomOwnedBy(a.id(), a.cluster().members());

    List<JsonObject> bobSaw = Collections.synchronizedList(new ArrayList<>());
    WsTestClient bob = WsTestClient.live(vertx, a.hub().port, room, "bob").toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    record(bob, bobSaw);

    ChatPage alice = new ChatPage(browsers.open()).open(port).join("alice", room).awaitJoined();
    assertEquals(endpoints.get(0), endpoint(alice), "the client starts on the first endpoint");
    alice.say("one").say("two");
    alice.until(d -> "sent".equals(alice.statusOf("one")) && "sent".equals(alice.statusOf("two")));

    // Its node hangs with alice's next message unanswered, meanwhile bob writes, then the node dies.
    victim.pause();
    alice.say("three, while the node hangs");
    assertEquals("pending", alice.statusOf("three, while the node hangs"));
    JsonObject ack = bob.chatAnswered("while alice was away").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals("ack", ack.getString("type"), ack.encode());
    victim.kill();

    List<String> texts = List.of("one", "two", "while alice was away", "three, while the node hangs");
    alice.until(FAILOVER_WAIT, d -> endpoints.get(1).equals(endpoint(alice)) && "joined".equals(alice.state())
        && alice.texts().containsAll(texts) && texts.stream().filter(t -> !t.startsWith("while")).allMatch(t -> "sent".equals(alice.statusOf(t))));
    alice.until(d -> bobTexts(bobSaw).contains("three, while the node hangs"));
    for (String text : texts) {
      assertEquals(1, Collections.frequency(alice.texts(), text), "alice sees '" + text + "' once: " + alice.texts());
    }
    assertEquals(texts, ChatPage.storedTexts(a.hub().port, room), "stored once each, in this order");
    assertEquals(texts, bobTexts(bobSaw), "bob saw each message once, in order");
    assertTrue(alice.browser().findElement(By.id("pending")).getText().isEmpty(), "nothing waits in the outbox");
  }

  private static String endpoint(ChatPage page) {
    return page.browser().findElement(By.tagName("body")).getDomAttribute("data-endpoint");
  }

  private static List<String> bobTexts(List<JsonObject> seen) {
    synchronized (seen) {
      return seen.stream().filter(f -> "chat".equals(f.getString("type"))).map(f -> f.getString("text")).toList();
    }
  }

  private static void record(WsTestClient client, List<JsonObject> into) {
    client.next().onComplete(frame -> {
      if (frame.succeeded()) {
        into.add(frame.result());
      }
      if (!client.socket().isClosed()) {
        record(client, into);
      }
    });
  }

  /** webroot/ copied to {@code target}, its index.html naming {@code endpoints}, as an operator would set it. */
  private static void copyWebroot(Path target, List<String> endpoints) throws IOException {
    Path source = Path.of("webroot");
    try (Stream<Path> files = Files.walk(source)) {
      files.forEach(file -> {
        try {
          Path to = target.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(to);
          } else {
            Files.copy(file, to);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    Path index = target.resolve("index.html");
    String meta = "<meta name=\"hubbub-endpoints\" content=\"" + String.join(" ", endpoints) + "\">";
    String html = Files.readString(index);
    assertTrue(html.contains("<title>"), "index.html has a head");
    Files.writeString(index, html.replace("<title>", meta + "\n  <title>"));
  }

  private static void awaitMembers(TestCluster.Node node, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (node.cluster().members().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the cluster did not reach " + count + " members: " + node.cluster().members());
      }
      Thread.sleep(50); // polling a condition, bounded; not a synchronisation by time
    }
  }
}
