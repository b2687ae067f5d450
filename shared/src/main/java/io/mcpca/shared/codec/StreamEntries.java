package io.mcpca.shared.codec;

import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of one stream entry: field {@code c} names the codec, field {@code d} holds the encoded
 * record, and field {@code z}, present only when the record was larger than the compression threshold,
 * names the compression of {@code d} ({@link Compression#DEFLATE}). Readers decode with whatever codec
 * and compression the writer used, so a JSON-writing debug ingress and MessagePack workers interoperate,
 * and they refuse record versions, codecs and compressions they do not know.
 */
public final class StreamEntries {

    static final byte[] CODEC_FIELD = "c".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATA_FIELD = "d".getBytes(StandardCharsets.US_ASCII);
    static final byte[] COMPRESSION_FIELD = "z".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEFLATE = Compression.DEFLATE.getBytes(StandardCharsets.US_ASCII);

    private final WireCodec writeCodec;
    private final WireCodec msgpack = JacksonCodec.messagePack();
    private final WireCodec json = JacksonCodec.json();
    private final int compressAboveBytes;

    public StreamEntries(WireCodec writeCodec) {
        this(writeCodec, Compression.DEFAULT_THRESHOLD_BYTES);
    }

    /** @param compressAboveBytes records whose encoding is longer are deflated; {@code Integer.MAX_VALUE} never */
    public StreamEntries(WireCodec writeCodec, int compressAboveBytes) {
        this.writeCodec = writeCodec;
        this.compressAboveBytes = compressAboveBytes;
    }

    public Map<byte[], byte[]> encode(Object record) {
        Map<byte[], byte[]> body = new LinkedHashMap<>(3);
        body.put(CODEC_FIELD, writeCodec.name().getBytes(StandardCharsets.US_ASCII));
        byte[] data = writeCodec.encode(record);
        if (data.length > compressAboveBytes) {
            body.put(COMPRESSION_FIELD, DEFLATE);
            data = Compression.deflate(data);
        }
        body.put(DATA_FIELD, data);
        return body;
    }

    public ToolRequest decodeRequest(Map<byte[], byte[]> body) {
        ToolRequest request = decode(body, ToolRequest.class);
        if (request.version() != ToolRequest.VERSION) {
            throw new WireFormatException("unknown ToolRequest version " + request.version()
                    + " (this build reads " + ToolRequest.VERSION + ")");
        }
        if (request.sessionId().isEmpty() || request.requestId().isEmpty()) {
            throw new WireFormatException("a ToolRequest needs a non-empty sessionId and requestId");
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
        byte[] compression = null;
        for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
            if (java.util.Arrays.equals(field.getKey(), CODEC_FIELD)) {
                codec = field.getValue();
            } else if (java.util.Arrays.equals(field.getKey(), DATA_FIELD)) {
                data = field.getValue();
            } else if (java.util.Arrays.equals(field.getKey(), COMPRESSION_FIELD)) {
                compression = field.getValue();
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
        if (compression != null) {
            if (!java.util.Arrays.equals(compression, DEFLATE)) {
                throw new WireFormatException("unknown compression '"
                        + new String(compression, StandardCharsets.US_ASCII) + "'");
            }
            data = Compression.inflate(data);
        }
        return reader.decode(data, type);
    }
}
