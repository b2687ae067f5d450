package io.mcpca.workers.cache;

import io.mcpca.shared.codec.Compression;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.wire.JsonBytes;
import java.util.Arrays;

/**
 * The stored form of a cached result: byte 0 is the record version, byte 1 the compression (0 none,
 * 1 deflate, used above the threshold), then the result's JSON bytes as the analyzer wrote them (version 2;
 * version 1 held MessagePack of a decoded map). A stored value this build cannot read is a miss, never an error.
 */
final class ResultBytes {

    static final byte VERSION = 2;
    private static final byte PLAIN = 0;
    private static final byte DEFLATE = 1;

    private final int compressAboveBytes;

    ResultBytes(int compressAboveBytes) {
        this.compressAboveBytes = compressAboveBytes;
    }

    byte[] encode(JsonBytes result) {
        byte[] data = result.utf8();
        boolean compress = data.length > compressAboveBytes;
        if (compress) {
            data = Compression.deflate(data);
        }
        byte[] out = new byte[data.length + 2];
        out[0] = VERSION;
        out[1] = compress ? DEFLATE : PLAIN;
        System.arraycopy(data, 0, out, 2, data.length);
        return out;
    }

    /** @throws WireFormatException for an unknown version or compression, or corrupt bytes */
    JsonBytes decode(byte[] stored) {
        if (stored.length < 2 || stored[0] != VERSION) {
            throw new WireFormatException("unknown cached result version " + (stored.length == 0 ? "?" : stored[0]));
        }
        byte[] data = Arrays.copyOfRange(stored, 2, stored.length);
        return new JsonBytes(switch (stored[1]) {
            case PLAIN -> data;
            case DEFLATE -> Compression.inflate(data);
            default -> throw new WireFormatException("unknown cached result compression " + stored[1]);
        });
    }
}
