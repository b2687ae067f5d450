package io.mcpca.shared.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One JSON value as its UTF-8 text, passed on unread: a tool's result goes from the analyzer's line to the MCP
 * answer as these bytes (ARCHITECTURE step 5: parse only what you read). Records carry it as binary
 * (MessagePack {@code bin}; base64 in the JSON debug codec). The array is never copied and never written to
 * once wrapped.
 *
 * @param utf8 the JSON text; empty for "no value" ({@link #NONE}), as on an error reply
 */
public record JsonBytes(byte[] utf8) {

    public static final JsonBytes NONE = new JsonBytes(new byte[0]);

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public JsonBytes {
        Objects.requireNonNull(utf8, "utf8");
    }

    public static JsonBytes of(String json) {
        return new JsonBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    @JsonValue
    @Override
    public byte[] utf8() {
        return utf8;
    }

    /** The JSON text (one UTF-8 decode, nothing parsed). */
    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public int length() {
        return utf8.length;
    }

    public boolean isEmpty() {
        return utf8.length == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonBytes that && Arrays.equals(utf8, that.utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return utf8.length > 200 ? new String(utf8, 0, 200, StandardCharsets.UTF_8) + "... (" + utf8.length + " bytes)"
                : text();
    }
}
