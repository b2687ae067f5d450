package io.mcpca.workers.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The content digest that keys a result: SHA-256 over {@code (tool, toolVersion, normalized arguments,
 * input content hash)}, so the same question about the same bytes gets the same key on every worker.
 *
 * <ul>
 *   <li>Arguments are normalized by serializing them as JSON with map keys sorted, so argument order
 *       does not matter. Inline {@code content} is part of the arguments, so it is hashed too.</li>
 *   <li>A file input is hashed by its bytes: exact, and cheap for one source file.</li>
 *   <li>A directory input is keyed by its {@link TreeDigest}: the stat signatures of every file under it and of
 *       the ignore files that decide what the analyzer lists (decision 034). Reading every byte of a 10,000-file
 *       tree on each lookup would cost as much as a good part of the analysis it is meant to save.</li>
 * </ul>
 * The input's resolved absolute path is part of the key too, since results name paths relative to the root.
 */
public final class ResultDigest {

    /** Bumped when the key layout changes, so old entries are never read with a new meaning. */
    static final int LAYOUT = 2;

    /**
     * A file larger than this is not hashed, so its answer is not cached: the analyzer refuses files over its
     * {@code --max-file-size} (10 MiB by default) at once after a stat, while hashing a 2 GB sparse file here took
     * longer than a 30 s call timeout on a loaded 2-core machine (SpecialFilesIT, issue 15). 64 MiB leaves room for
     * an analyzer configured with a larger limit.
     */
    static final long MAX_HASHED_FILE_BYTES = 64L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public String of(String tool, String toolVersion, Map<String, Object> arguments, Optional<Path> input) {
        MessageDigest sha = sha256();
        update(sha, "layout=" + LAYOUT);
        update(sha, "tool=" + tool);
        update(sha, "version=" + toolVersion);
        try {
            update(sha, "args=" + JSON.writeValueAsString(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments are not JSON-shaped: " + e.getMessage(), e);
        }
        input.ifPresent(path -> {
            update(sha, "input=" + path.toAbsolutePath());
            update(sha, contentHash(path));
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * A short digest of a call's arguments (SHA-256 of their key-sorted JSON, first 16 hex digits): enough to tell
     * two calls' arguments apart in a session's history without keeping them (they may hold inline code).
     */
    public static String ofArguments(Map<String, Object> arguments) {
        MessageDigest sha = sha256();
        try {
            update(sha, JSON.writeValueAsString(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments are not JSON-shaped: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /** File: SHA-256 of the bytes; directory: its {@link TreeDigest}. */
    static String contentHash(Path path) {
        try {
            if (Files.isRegularFile(path)) {
                if (Files.size(path) > MAX_HASHED_FILE_BYTES) {
                    throw new IllegalArgumentException("larger than " + MAX_HASHED_FILE_BYTES + " bytes: not hashed");
                }
                MessageDigest sha = sha256();
                try (InputStream in = Files.newInputStream(path)) {
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        sha.update(buffer, 0, n);
                    }
                }
                return "file:" + HexFormat.of().formatHex(sha.digest());
            }
            if (Files.isDirectory(path)) {
                return TreeDigest.of(path);
            }
            return "missing";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + path, e);
        }
    }

    static void update(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // length-prefixed, so ("ab","c") and ("a","bc") never collide
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
