package io.mcpca.shared.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the flat name/value lists {@code XINFO STREAM} and {@code XINFO GROUPS} answer with, whichever
 * codec the connection uses (names and values arrive as {@code byte[]} on a binary connection).
 */
public final class InfoFields {

    private InfoFields() {
    }

    /** The value after {@code key} in a flat name/value list; null when the key is absent. */
    public static Object field(List<?> fields, String key) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (key.equals(text(fields.get(i)))) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** A value as text: bytes decoded as UTF-8, anything else by {@link String#valueOf}. */
    public static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
