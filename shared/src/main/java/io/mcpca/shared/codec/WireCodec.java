package io.mcpca.shared.codec;

/** Turns wire records into bytes and back. Implementations are thread-safe. */
public interface WireCodec {

    /** Short name stored beside every encoded entry so a reader knows how to decode it. */
    String name();

    byte[] encode(Object value);

    /** @throws WireFormatException when the bytes are not a valid encoding of {@code type} */
    <T> T decode(byte[] bytes, Class<T> type);
}
