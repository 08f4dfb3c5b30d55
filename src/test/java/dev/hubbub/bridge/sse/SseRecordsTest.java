package dev.hubbub.bridge.sse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseRecordsTest {

  @Test
  void aRecordCarriesItsSeqAsIdAndOneDataFieldPerLine() {
    assertEquals("id: 12\nevent: chat\ndata: <li>a</li>\n\n", SseRecords.event(12, "chat", "<li>a</li>"));
    assertEquals("event: joined\ndata: {}\n\n", SseRecords.event(0, "joined", "{}"));
  }

  @Test
  void noLineEndInTheDataCanEndTheRecordOrAddAField() {
    assertEquals("event: chat\ndata: a\ndata: id: 99\ndata: b\ndata: \ndata: c\ndata: \n\n",
        SseRecords.event(0, "chat", "a\rid: 99\r\nb\n\nc\n"));
    assertEquals(": one two\n\n", SseRecords.comment("one\ntwo"));
  }
}
