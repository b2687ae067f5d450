package io.mcpca.ingress.insight;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of an anchor's file: SHA-256 of its bytes, read through the path confinement every tool uses
 * (inside the roots and inside the insight's repository, through symlinks; only a regular file, its size checked by
 * {@code stat} before a byte is read). An insight is stale when a hash taken now differs from the one stored.
 */
final class AnchorHashes {

    /** Why an anchor's file could not be hashed now. */
    enum Missing { DELETED, NOT_A_FILE, TOO_LARGE, UNREADABLE }

    /** A hash, or why there is none. */
    record Hash(String hex, Missing missing) {
        boolean present() {
            return missing == null;
        }
    }

    private final PathGuard paths;
    private final long maxFileBytes;

    AnchorHashes(PathGuard paths, long maxFileBytes) {
        this.paths = paths;
        this.maxFileBytes = maxFileBytes;
    }

    /** The repository directory the caller named, confined to the roots. */
    Path repository(String requested) {
        Path real = paths.resolve(requested);
        if (!Files.isDirectory(real)) {
            throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, "repository " + requested + " is not a directory");
        }
        return real;
    }

    /** How the repository is named in answers and matched in filters: relative to its root. */
    String repositoryName(Path repository) {
        String relative = paths.rootOf(repository).relativize(repository).toString();
        return relative.isEmpty() ? "." : relative;
    }

    /** The hash of an anchor's file now; when storing an anchor, {@link #require} refuses what this reports missing. */
    Hash of(Path repository, String file) {
        Path real;
        try {
            real = paths.resolve(repository.resolve(file).toString());
        } catch (PathRejectedException e) {
            return new Hash("", e.code() == ErrorCode.NOT_FOUND ? Missing.DELETED : Missing.NOT_A_FILE);
        }
        if (!real.startsWith(repository)) {
            return new Hash("", Missing.NOT_A_FILE);
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return new Hash("", Missing.NOT_A_FILE);
            }
            if (attributes.size() > maxFileBytes) {
                return new Hash("", Missing.TOO_LARGE);
            }
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(real)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha256.update(buffer, 0, n);
                }
            }
            return new Hash(HexFormat.of().formatHex(sha256.digest()), null);
        } catch (IOException e) {
            return new Hash("", Missing.UNREADABLE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The hash of a file an anchor is being stored for; a file that cannot be hashed is refused by name. */
    String require(Path repository, String file) {
        if (file.isBlank() || file.indexOf('\0') >= 0 || Path.of(file).isAbsolute()) {
            throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, "anchor file must be a path relative to the repository: "
                    + file);
        }
        Hash hash = of(repository, file);
        if (hash.present()) {
            return hash.hex();
        }
        throw switch (hash.missing()) {
            case DELETED -> new InsightRefused(ErrorCode.NOT_FOUND, "anchor file not found in the repository: " + file);
            case TOO_LARGE -> new InsightRefused(ErrorCode.BAD_ARGUMENTS, "anchor file " + file + " is larger than "
                    + maxFileBytes + " bytes (mcpca.insights.max-anchored-file)");
            case NOT_A_FILE -> new InsightRefused(ErrorCode.BAD_ARGUMENTS, "anchor " + file
                    + " is not a regular file inside the repository");
            case UNREADABLE -> new InsightRefused(ErrorCode.NOT_FOUND, "anchor file cannot be read: " + file);
        };
    }
}
