package io.mcpca.shared.paths;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Confines every path a caller names to the configured roots. A relative path is taken against the
 * first root; the result is resolved through every symlink ({@link Path#toRealPath}) and must lie
 * inside a root's real path, so {@code ../}, absolute paths elsewhere and escaping symlinks are all
 * refused. Error messages name the configured roots only by their index, not their location.
 */
public final class PathGuard {

    private final List<Path> roots;

    public PathGuard(List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("at least one analysis root must be configured (mcpca.roots)");
        }
        this.roots = roots.stream().map(PathGuard::realRoot).toList();
    }

    public List<Path> roots() {
        return roots;
    }

    /** The real, confined path for {@code requested}. */
    public Path resolve(String requested) {
        if (requested == null || requested.isBlank()) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "path must not be empty");
        }
        if (requested.indexOf('\0') >= 0) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "path must not contain NUL characters");
        }
        Path candidate;
        try {
            Path asGiven = Path.of(requested);
            candidate = asGiven.isAbsolute() ? asGiven : roots.get(0).resolve(asGiven);
        } catch (InvalidPathException e) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "not a valid path: " + requested);
        }
        Path normalized = candidate.normalize();
        if (!insideARoot(normalized)) {
            throw outside(requested);
        }
        Path real;
        try {
            real = normalized.toRealPath();
        } catch (NoSuchFileException e) {
            throw new PathRejectedException(ErrorCode.NOT_FOUND, "no such file or directory: " + requested);
        } catch (IOException e) {
            throw new PathRejectedException(ErrorCode.NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
        }
        if (!insideARoot(real)) {
            throw outside(requested);
        }
        return real;
    }

    /** The root that contains {@code real} (a path returned by {@link #resolve}). */
    public Path rootOf(Path real) {
        return roots.stream().filter(real::startsWith).findFirst()
                .orElseThrow(() -> outside(real.toString()));
    }

    private boolean insideARoot(Path path) {
        return roots.stream().anyMatch(path::startsWith);
    }

    private PathRejectedException outside(String requested) {
        return new PathRejectedException(ErrorCode.PATH_OUTSIDE_ROOTS,
                "path is outside the configured analysis roots: " + requested);
    }

    private static Path realRoot(Path root) {
        try {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("analysis root is not a directory: " + root);
            }
            return root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("analysis root cannot be read: " + root, e);
        }
    }
}
