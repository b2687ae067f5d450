package io.mcpca.workers.run;

import io.mcpca.shared.wire.JsonBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code mcpca-analyzer serve} output, read as bytes: a scan finds where each top-level field's
 * value lies without building it, and the worker then reads only the small fields it acts on (id, type, an
 * error, progress counts). A result's value is taken as its bytes and passed on unread, in whatever order the
 * fields come. The scan checks the structure it walks (strings, nesting, separators), not every literal:
 * the analyzer is our own binary, and the MCP server parses the result once before answering anyway.
 */
final class AnalyzerLine {

    /** Where one value lies in the line: bytes {@code [start, end)}. */
    record Span(int start, int end) {
        int length() {
            return end - start;
        }
    }

    private final byte[] bytes;
    private final Span whole;
    private final Map<String, Span> fields;

    private AnalyzerLine(byte[] bytes, Span whole, Map<String, Span> fields) {
        this.bytes = bytes;
        this.whole = whole;
        this.fields = fields;
    }

    /**
     * The line in {@code bytes[start, end)} (not copied: it must stay unchanged while this is in use), or empty
     * if it is not one JSON object.
     */
    static Optional<AnalyzerLine> read(byte[] bytes, int start, int end) {
        Span whole = new Span(start, end);
        Map<String, Span> fields = new HashMap<>(8);
        return members(bytes, whole, fields) ? Optional.of(new AnalyzerLine(bytes, whole, fields)) : Optional.empty();
    }

    /** The line's length in bytes. */
    int length() {
        return whole.length();
    }

    String id() {
        return string("id").orElse("");
    }

    String type() {
        return string("type").orElse("");
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    /** A string field's value, unescaped; empty when missing or not a string. */
    Optional<String> string(String field) {
        Span span = fields.get(field);
        return span == null || bytes[span.start()] != '"' ? Optional.empty() : Optional.of(decodeString(bytes, span));
    }

    /** A number field's value (a fraction cut off); 0 when missing or not a number. */
    long number(String field) {
        Span span = fields.get(field);
        if (span == null) {
            return 0;
        }
        String text = new String(bytes, span.start(), span.length(), StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notAnInteger) {
            try {
                return (long) Double.parseDouble(text);
            } catch (NumberFormatException notANumber) {
                return 0;
            }
        }
    }

    /** A field's value as its own bytes, exactly as written (one copy out of the line's buffer). */
    Optional<JsonBytes> json(String field) {
        Span span = fields.get(field);
        return span == null ? Optional.empty()
                : Optional.of(new JsonBytes(Arrays.copyOfRange(bytes, span.start(), span.end())));
    }

    /** An object field read as a line of its own (an error's code and message, say); empty if it is not an object. */
    Optional<AnalyzerLine> object(String field) {
        Span span = fields.get(field);
        if (span == null) {
            return Optional.empty();
        }
        Map<String, Span> inner = new HashMap<>(4);
        return members(bytes, span, inner) ? Optional.of(new AnalyzerLine(bytes, span, inner)) : Optional.empty();
    }

    /** An object field's members, each value as its exact JSON text (not reformatted); empty if not an object. */
    Optional<Map<String, String>> texts(String field) {
        Span span = fields.get(field);
        Map<String, Span> inner = new LinkedHashMap<>();
        if (span == null || !members(bytes, span, inner)) {
            return Optional.empty();
        }
        Map<String, String> texts = new LinkedHashMap<>(inner.size() * 2);
        inner.forEach((name, value) -> texts.put(name,
                new String(bytes, value.start(), value.length(), StandardCharsets.UTF_8)));
        return Optional.of(texts);
    }

    /** An array field's string elements; empty list when missing or not an array of strings. */
    List<String> strings(String field) {
        Span span = fields.get(field);
        if (span == null) {
            return List.of();
        }
        int i = skipSpace(bytes, span.start(), span.end());
        if (i >= span.end() || bytes[i] != '[') {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        i = skipSpace(bytes, i + 1, span.end());
        while (i < span.end() && bytes[i] != ']') {
            int end = skipValue(bytes, i, span.end());
            if (end < 0 || bytes[i] != '"') {
                return List.of();
            }
            values.add(decodeString(bytes, new Span(i, end)));
            i = skipSpace(bytes, end, span.end());
            if (i < span.end() && bytes[i] == ',') {
                i = skipSpace(bytes, i + 1, span.end());
            }
        }
        return values;
    }

    /** The line, shortened, for a log message. */
    String abbreviated() {
        int shown = Math.min(whole.length(), 200);
        return new String(bytes, whole.start(), shown, StandardCharsets.UTF_8) + (shown < whole.length() ? "..." : "");
    }

    /** Records where each member of the object filling {@code span} lies; false if it is not one object. */
    private static boolean members(byte[] b, Span span, Map<String, Span> into) {
        int end = span.end();
        int i = skipSpace(b, span.start(), end);
        if (i >= end || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return skipSpace(b, i + 1, end) == end;
        }
        while (i < end && b[i] == '"') {
            int nameEnd = skipString(b, i, end);
            if (nameEnd < 0) {
                return false;
            }
            String name = decodeString(b, new Span(i, nameEnd));
            i = skipSpace(b, nameEnd, end);
            if (i >= end || b[i] != ':') {
                return false;
            }
            i = skipSpace(b, i + 1, end);
            int valueEnd = skipValue(b, i, end);
            if (valueEnd < 0) {
                return false;
            }
            into.put(name, new Span(i, valueEnd));
            i = skipSpace(b, valueEnd, end);
            if (i < end && b[i] == ',') {
                i = skipSpace(b, i + 1, end);
            } else {
                return i < end && b[i] == '}' && skipSpace(b, i + 1, end) == end;
            }
        }
        return false;
    }

    /** The end of the value starting at {@code i}, or -1 if it does not end before {@code end}. */
    private static int skipValue(byte[] b, int i, int end) {
        if (i >= end) {
            return -1;
        }
        byte first = b[i];
        if (first == '"') {
            return skipString(b, i, end);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            int j = i;
            while (j < end) {
                byte c = b[j];
                if (c == '"') {
                    j = skipString(b, j, end);
                    if (j < 0) {
                        return -1;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        return j + 1;
                    }
                }
                j++;
            }
            return -1;
        }
        int j = i;
        while (j < end && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j])) {
            j++;
        }
        return j > i ? j : -1;
    }

    /** The end (after the closing quote) of the string starting at {@code i}, or -1. */
    private static int skipString(byte[] b, int i, int end) {
        int j = i + 1;
        while (j < end) {
            byte c = b[j];
            if (c == '"') {
                return j + 1;
            }
            j += c == '\\' ? 2 : 1;
        }
        return -1;
    }

    private static int skipSpace(byte[] b, int i, int end) {
        while (i < end && isSpace(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The string in {@code span} (quotes included), unescaped. UTF-8 runs between escapes decode as they are. */
    private static String decodeString(byte[] b, Span span) {
        int from = span.start() + 1;
        int to = span.end() - 1;
        int escape = indexOf(b, (byte) '\\', from, to);
        if (escape < 0) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(to - from);
        int run = from;
        while (escape >= 0) {
            out.append(new String(b, run, escape - run, StandardCharsets.UTF_8));
            byte c = escape + 1 < to ? b[escape + 1] : (byte) '\\';
            int next = escape + 2;
            switch (c) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (escape + 6 <= to) {
                        out.append(hexChar(b, escape + 2));
                        next = escape + 6;
                    }
                }
                default -> out.append((char) c); // \" \\ \/
            }
            run = Math.min(next, to);
            escape = indexOf(b, (byte) '\\', run, to);
        }
        return out.append(new String(b, run, to - run, StandardCharsets.UTF_8)).toString();
    }

    private static char hexChar(byte[] b, int at) {
        try {
            return (char) Integer.parseInt(new String(b, at, 4, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return '\uFFFD';
        }
    }

    private static int indexOf(byte[] b, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
