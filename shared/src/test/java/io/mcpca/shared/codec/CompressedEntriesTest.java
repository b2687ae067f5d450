package io.mcpca.shared.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompressedEntriesTest {

    private static final byte[] Z = "z".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] D = "d".getBytes(StandardCharsets.US_ASCII);

    /** A result the size of a directory analysis: a few thousand repetitive per-file records. */
    private static ToolReply bigReply() {
        StringBuilder files = new StringBuilder("{\"files\":[");
        for (int i = 0; i < 2000; i++) {
            files.append(i == 0 ? "" : ",").append("{\"path\":\"src/main/java/p/File").append(i).append(".java\",\"code\":")
                    .append(i).append(",\"comment\":").append(i % 7).append(",\"blank\":3}");
        }
        return ToolReply.result("r1", JsonBytes.of(files.append("]}").toString()), "w1");
    }

    private static byte[] field(Map<byte[], byte[]> body, byte[] name) {
        return body.entrySet().stream().filter(e -> Arrays.equals(e.getKey(), name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void largeRecordsAreDeflatedAndRoundTripThroughBothCodecs() {
        for (JacksonCodec codec : List.of(JacksonCodec.messagePack(), JacksonCodec.json())) {
            StreamEntries entries = new StreamEntries(codec);
            Map<byte[], byte[]> body = entries.encode(bigReply());
            assertThat(field(body, Z)).asString(StandardCharsets.US_ASCII).isEqualTo("deflate");
            assertThat(field(body, D).length).isLessThan(codec.encode(bigReply()).length / 3);
            assertThat(entries.decodeReply(body)).isEqualTo(bigReply());
        }
    }

    @Test
    void smallRecordsStayUncompressed() {
        StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
        Map<byte[], byte[]> body = entries.encode(ToolReply.result("r1", JsonBytes.of("{\"pong\":true}"), "w1"));
        assertThat(field(body, Z)).isNull();
        assertThat(entries.decodeReply(body).result().text()).isEqualTo("{\"pong\":true}");
    }

    @Test
    void aReaderWithAnotherThresholdStillReadsCompressedEntries() {
        Map<byte[], byte[]> body = new StreamEntries(JacksonCodec.messagePack(), 16).encode(
                ToolReply.result("r1", JsonBytes.of("{\"text\":\"" + "x".repeat(100) + "\"}"), "w1"));
        assertThat(field(body, Z)).isNotNull();
        assertThat(new StreamEntries(JacksonCodec.json(), Integer.MAX_VALUE).decodeReply(body).result().text())
                .isEqualTo("{\"text\":\"" + "x".repeat(100) + "\"}");
    }

    @Test
    void corruptCompressedPayloadsAreRefusedWithTheReason() {
        StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
        Map<byte[], byte[]> body = entries.encode(bigReply());
        byte[] data = field(body, D);

        Map<byte[], byte[]> truncated = replace(body, D, Arrays.copyOf(data, data.length / 2));
        assertThatThrownBy(() -> entries.decodeReply(truncated))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("deflate");

        Map<byte[], byte[]> garbage = replace(body, D, new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x13, 0x37});
        assertThatThrownBy(() -> entries.decodeReply(garbage))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("deflate");

        // inflates fine, but to bytes that are not MessagePack of a reply
        Map<byte[], byte[]> wrongInside = replace(body, D, Compression.deflate(new byte[] {(byte) 0xc1, 1, 2}));
        assertThatThrownBy(() -> entries.decodeReply(wrongInside)).isInstanceOf(WireFormatException.class);

        Map<byte[], byte[]> unknown = replace(body, Z, "brotli".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> entries.decodeReply(unknown)).hasMessageContaining("unknown compression 'brotli'");
    }

    private static Map<byte[], byte[]> replace(Map<byte[], byte[]> body, byte[] name, byte[] value) {
        Map<byte[], byte[]> copy = new LinkedHashMap<>();
        body.forEach((k, v) -> copy.put(k, Arrays.equals(k, name) ? value : v));
        return copy;
    }
}
