package dev.hubbub.web.pages;

import dev.hubbub.protocol.Events;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptTest {

  @Test
  void editsAndDeletionsAreFoldedIntoTheMessagesTheyName() {
    List<JsonObject> history = List.of(
        Events.chat("r", "ann", "first", 1000, 1, "a"),
        Events.chat("r", "bob", "second", 2000, 2, "b"),
        Events.edited("r", "a", "ann", "first, fixed", 3000, 3),
        Events.chat("r", "ann", "third", 4000, 4, "c"),
        Events.deleted("r", "b", "bob", 5000, 5),
        // Names a message older than the window: nothing to apply it to.
        Events.edited("r", "zz", "old", "ghost", 6000, 6));

    Transcript transcript = Transcript.fold(history);

    assertEquals(6, transcript.lastSeq(), "the stream resumes after the last event, edits included");
    assertEquals(List.of("a", "b", "c"), transcript.messages().stream().map(MessageView::id).toList());
    MessageView first = transcript.messages().get(0);
    assertEquals("first, fixed", first.text());
    assertTrue(first.edited());
    assertEquals(1000, first.ts(), "an edited message keeps its place and time");
    assertTrue(transcript.messages().get(1).deleted());
    assertEquals("", transcript.messages().get(1).text());
    assertFalse(transcript.messages().get(2).edited());
    assertEquals("msg-c", transcript.messages().get(2).domId());
  }

  @Test
  void anEmptyRoomResumesFromZero() {
    assertEquals(new Transcript(List.of(), 0), Transcript.fold(List.of()));
  }
}
