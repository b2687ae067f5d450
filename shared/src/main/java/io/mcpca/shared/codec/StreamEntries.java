package io.mcpca.shared.codec;

import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of one stream entry: field {@code c} names the codec, field {@code d} holds the encoded
 * record. Readers decode with whatever codec the writer used, so a JSON-writing debug ingress and
 * MessagePack workers interoperate, and they refuse record versions they do not know.
 */
public final class StreamEntries {

    static final byte[] CODEC_FIELD = "c".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATA_FIELD = "d".getBytes(StandardCharsets.US_ASCII);

    private final WireCodec writeCodec;
    private final WireCodec msgpack = JacksonCodec.messagePack();
    private final WireCodec json = JacksonCodec.json();

    public StreamEntries(WireCodec writeCodec) {
        this.writeCodec = writeCodec;
    }

    public Map<byte[], byte[]> encode(Object record) {
        Map<byte[], byte[]> body = new LinkedHashMap<>(2);
        body.put(CODEC_FIELD, writeCodec.name().getBytes(StandardCharsets.US_ASCII));
        body.put(DATA_FIELD, writeCodec.encode(record));
        return body;
    }

    public ToolRequest decodeRequest(Map<byte[], byte[]> body) {
        ToolRequest request = decode(body, ToolRequest.class);
        if (request.version() != ToolRequest.VERSION) {
            throw new WireFormatException("unknown ToolRequest version " + request.version()
                    + " (this build reads " + ToolRequest.VERSION + ")");
        }
        return request;
    }

    public ToolReply decodeReply(Map<byte[], byte[]> body) {
        ToolReply reply = decode(body, ToolReply.class);
        if (reply.version() != ToolReply.VERSION) {
            throw new WireFormatException("unknown ToolReply version " + reply.version()
                    + " (this build reads " + ToolReply.VERSION + ")");
        }
        return reply;
    }

    private <T> T decode(Map<byte[], byte[]> body, Class<T> type) {
        byte[] codec = null;
        byte[] data = null;
        for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
            if (java.util.Arrays.equals(field.getKey(), CODEC_FIELD)) {
                codec = field.getValue();
            } else if (java.util.Arrays.equals(field.getKey(), DATA_FIELD)) {
                data = field.getValue();
            }
        }
        if (codec == null || data == null) {
            throw new WireFormatException("stream entry lacks the 'c' (codec) or 'd' (data) field");
        }
        String codecName = new String(codec, StandardCharsets.US_ASCII);
        WireCodec reader = switch (codecName) {
            case JacksonCodec.MSGPACK -> msgpack;
            case JacksonCodec.JSON -> json;
            default -> throw new WireFormatException("unknown codec '" + codecName + "'");
        };
        return reader.decode(data, type);
    }
}
