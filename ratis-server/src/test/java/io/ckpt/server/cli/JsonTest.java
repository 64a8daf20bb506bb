package io.ckpt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.SegmentInfo;
import io.ckpt.client.WriteResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesStrings() {
    assertThat(Json.quote("plain/name-1.x")).isEqualTo("\"plain/name-1.x\"");
    assertThat(Json.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(Json.quote("l1\nl2\r\t\b\f")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\"");
    assertThat(Json.quote("\u0000\u001f\u2028")).isEqualTo("\"\\u0000\\u001f\\u2028\"");
    assertThat(Json.quote("h\u00e9llo \u6f22")).isEqualTo("\"h\u00e9llo \u6f22\"");
  }

  @Test
  void writesObjectsInInsertionOrder() {
    String s = Json.object().put("b", "x").put("a", 7).put("ok", true).put("none", (String) null).toString();
    assertThat(s).isEqualTo("{\"b\":\"x\",\"a\":7,\"ok\":true,\"none\":null}");
    assertThat(Json.object().toString()).isEqualTo("{}");
    assertThat(Json.object().raw("segments", Json.array(List.of())).toString()).isEqualTo("{\"segments\":[]}");
  }

  @Test
  void putFieldsWithCrcAsEightHexDigits() {
    WriteResult w = new WriteResult("a/b", 3, 42, 1024, 0x0000beef);
    assertThat(Json.of(w).toString())
        .isEqualTo("{\"name\":\"a/b\",\"version\":3,\"revision\":42,\"size\":1024,\"crc32c\":\"0000beef\"}");
    SegmentInfo i = new SegmentInfo("a/b", 3, 42, 1024, 0xdeadbeef, "n2");
    assertThat(Json.of(i).toString())
        .isEqualTo("{\"name\":\"a/b\",\"version\":3,\"revision\":42,\"size\":1024,\"crc32c\":\"deadbeef\",\"node\":\"n2\"}");
  }
}
