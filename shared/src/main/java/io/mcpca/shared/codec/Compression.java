package io.mcpca.shared.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compression of large encoded records: raw DEFLATE from {@code java.util.zip} (no new dependency; the
 * JDK's zlib is native and well kept). Records past the threshold are mostly analysis results (per-file
 * metrics, symbol lists), which are repetitive text-like MessagePack and shrink 3-10x; small records are
 * left alone because compressing a 200-byte ping costs more CPU than the bytes it saves.
 *
 * <p>Inflation is bounded ({@link #MAX_INFLATED_BYTES}) so a corrupt or hostile entry cannot make a
 * reader allocate without limit.
 */
public final class Compression {

    /** Name stored in the entry's {@code z} field. */
    public static final String DEFLATE = "deflate";
    /** Default threshold: below 8 KiB the saving is at most a few KiB per entry, not worth the CPU. */
    public static final int DEFAULT_THRESHOLD_BYTES = 8 * 1024;
    /** Largest record a reader inflates: far above any sane result (the HTTP body cap is 8 MiB). */
    static final int MAX_INFLATED_BYTES = 256 * 1024 * 1024;
    /** Level 1: most of the ratio at a fraction of the CPU of the default level 6 on MessagePack. */
    private static final int LEVEL = Deflater.BEST_SPEED;

    private Compression() {
    }

    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(LEVEL, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 3));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** @throws WireFormatException when the bytes are not a complete raw DEFLATE stream */
    public static byte[] inflate(byte[] data) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 3));
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new WireFormatException("corrupt deflate payload: truncated stream");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new WireFormatException("deflate payload inflates past " + MAX_INFLATED_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new WireFormatException("corrupt deflate payload: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
