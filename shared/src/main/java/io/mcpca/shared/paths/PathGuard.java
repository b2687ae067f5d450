package io.mcpca.shared.paths;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Confines every path a caller names to the configured roots. A relative path is taken against the
 * first root; the result is resolved through every symlink ({@link Path#toRealPath}) and must lie
 * inside a root's real path, so {@code ../}, absolute paths elsewhere and escaping symlinks are all
 * refused. Only regular files and directories pass: a FIFO, socket or device node (also behind a symlink,
 * such as one to {@code /dev/zero}) is refused with {@code BAD_ARGUMENTS} naming its kind. Error messages
 * name the configured roots only by their index, not their location.
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
        refuseSpecial(real, requested);
        return real;
    }

    /**
     * Refuses a FIFO, socket or device node by name before any analyzer sees it: opening a FIFO blocks
     * until a writer comes and a device such as {@code /dev/zero} never ends (issue 13).
     */
    private static void refuseSpecial(Path real, String requested) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new PathRejectedException(ErrorCode.NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
        }
        if (!attributes.isRegularFile() && !attributes.isDirectory()) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS,
                    requested + " is a " + specialKind(real) + "; only regular files and directories are analysed");
        }
    }

    /** The kind of a special file from its POSIX mode (S_IFMT bits), as the analyzer names it. */
    static String specialKind(Path real) {
        try {
            int type = (Integer) Files.getAttribute(real, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "fifo";
                case 0140000 -> "socket";
                case 0060000 -> "block device";
                case 0020000 -> "character device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "special file"; // no unix attribute view on this platform
        }
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
