package io.mcpca.shared.codec;

/** An entry that cannot be decoded: corrupt bytes, unknown codec, or a version this build does not know. */
public class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
