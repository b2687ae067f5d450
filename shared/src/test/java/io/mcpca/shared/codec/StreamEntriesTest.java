package io.mcpca.shared.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamEntriesTest {

    private static ToolRequest request(int version) {
        return new ToolRequest(version, "r1", "s1", "calculate-metrics",
                Map.of("path", "src/A.java", "nested", List.of(1, 2, 3)), "mcpca:reply:{i1}", 1_700_000_000_000L);
    }

    @Test
    void requestsRoundTripThroughBothCodecs() {
        for (JacksonCodec codec : List.of(JacksonCodec.messagePack(), JacksonCodec.json())) {
            StreamEntries entries = new StreamEntries(codec);
            ToolRequest decoded = entries.decodeRequest(entries.encode(request(ToolRequest.VERSION)));
            assertThat(decoded).isEqualTo(request(ToolRequest.VERSION));
        }
    }

    @Test
    void theCorrelationIdRoundTripsAndAnOlderEntryWithoutItDecodesWithNone() {
        ToolRequest withId = new ToolRequest(ToolRequest.VERSION, "r1", "s1", "ping", Map.of(), "mcpca:reply:{i1}",
                1L, "corr-1", "");
        // an entry as a writer before the field wrote it: the same version, no correlationId
        Map<String, Object> older = new LinkedHashMap<>(Map.of("version", ToolRequest.VERSION, "requestId", "r1",
                "sessionId", "s1", "tool", "ping", "arguments", Map.of(), "replyTo", "mcpca:reply:{i1}",
                "deadlineEpochMs", 1L));
        for (JacksonCodec codec : List.of(JacksonCodec.messagePack(), JacksonCodec.json())) {
            StreamEntries entries = new StreamEntries(codec);
            assertThat(entries.decodeRequest(entries.encode(withId)).correlationId()).isEqualTo("corr-1");
            assertThat(entries.decodeRequest(entries.encode(older)).correlationId()).isEmpty();
        }
    }

    @Test
    void aResultTravelsAsItsJsonBytesThroughBothCodecs() {
        JsonBytes result = JsonBytes.of("{\"path\":\"a/\\\"b\\\".java\",\"name\":\"\u00e9t\u00e9 \u2603\",\"n\":1.50}");
        for (JacksonCodec codec : List.of(JacksonCodec.messagePack(), JacksonCodec.json())) {
            StreamEntries entries = new StreamEntries(codec);
            ToolReply decoded = entries.decodeReply(entries.encode(ToolReply.result("r1", result, "w1")));
            assertThat(decoded.result()).isEqualTo(result);
            assertThat(decoded.result().text()).isEqualTo(result.text());
        }
    }

    @Test
    void messagePackCarriesTheResultAsBinary() throws Exception {
        byte[] data = JacksonCodec.messagePack().encode(ToolReply.result("r1", JsonBytes.of("{}"), "w1"));
        try (org.msgpack.core.MessageUnpacker unpacker = org.msgpack.core.MessagePack.newDefaultUnpacker(data)) {
            int fields = unpacker.unpackMapHeader();
            boolean sawBinary = false;
            for (int i = 0; i < fields; i++) {
                String name = unpacker.unpackString();
                if (name.equals("result")) {
                    assertThat(unpacker.getNextFormat().getValueType()).isEqualTo(org.msgpack.value.ValueType.BINARY);
                    sawBinary = true;
                }
                unpacker.skipValue();
            }
            assertThat(sawBinary).isTrue();
        }
    }

    @Test
    void aReaderDecodesWhateverCodecTheWriterUsed() {
        Map<byte[], byte[]> body = new StreamEntries(JacksonCodec.json()).encode(
                ToolReply.error("r2", ErrorCode.NOT_FOUND, "no such file", "w1"));
        ToolReply reply = new StreamEntries(JacksonCodec.messagePack()).decodeReply(body);
        assertThat(reply.kind()).isEqualTo(ReplyKind.ERROR);
        assertThat(reply.errorCode()).isEqualTo("NOT_FOUND");
        assertThat(reply.errorMessage()).isEqualTo("no such file");
    }

    @Test
    void unknownVersionsAreRefusedWithTheReason() {
        StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
        Map<byte[], byte[]> body = entries.encode(request(99));
        assertThatThrownBy(() -> entries.decodeRequest(body))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown ToolRequest version 99");
    }

    @Test
    void aRequestWithoutASessionIsRefused() {
        StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
        Map<byte[], byte[]> body = entries.encode(new ToolRequest(ToolRequest.VERSION, "r1", "", "ping", Map.of(),
                "mcpca:reply:{i1}", 1_700_000_000_000L));
        assertThatThrownBy(() -> entries.decodeRequest(body)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("non-empty sessionId");
    }

    @Test
    void corruptBytesAndUnknownCodecsAreRefused() {
        StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
        Map<byte[], byte[]> corrupt = new LinkedHashMap<>();
        corrupt.put("c".getBytes(StandardCharsets.US_ASCII), "msgpack".getBytes(StandardCharsets.US_ASCII));
        corrupt.put("d".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xc1, 0x00});
        assertThatThrownBy(() -> entries.decodeRequest(corrupt)).isInstanceOf(WireFormatException.class);

        Map<byte[], byte[]> unknown = new LinkedHashMap<>(corrupt);
        unknown.put("c".getBytes(StandardCharsets.US_ASCII), "xml".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> entries.decodeRequest(unknown)).hasMessageContaining("unknown codec 'xml'");

        assertThatThrownBy(() -> entries.decodeRequest(Map.of())).hasMessageContaining("lacks");
    }
}
