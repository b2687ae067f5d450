package io.mcpca.workers.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The one answer to "is this tree unchanged?" (decision 034): SHA-256 of the sorted stat signatures
 * {@code (relative path, size, mtime, ctime, file key)} of every regular file under a directory, plus the
 * signatures of the ignore files outside it that decide what the analyzer's walk lists. Equal digests mean the
 * analyzer would read the same bytes, so a result keyed by it (the result cache, decision 006) or a graph
 * remembered under it (the knowledge graph, decision 023) may be served; any edit, added, deleted or renamed file
 * and any {@code .gitignore} change gives another digest.
 *
 * <ul>
 *   <li>ctime is set by the kernel on every write, rename and chmod and cannot be set back from user space, so an
 *       edit that restores size and mtime ({@code cp -p}, {@code touch -d}, {@code rsync -t}) still changes it; the
 *       file key (device, inode) catches a file swapped in by rename. Reading ctime costs a second {@code lstat} per
 *       file: ~20 ms for 10,000 cached inodes, against a warm answer of a tenth of a second.</li>
 *   <li>Hidden files are in (the {@code .gitignore} files among them). {@code .git} is not walked (the analyzer
 *       never reads it and it changes on every fetch) but its {@code info/exclude} is an input of the walk.</li>
 *   <li>Outside the tree, the walk also honours {@code .gitignore}, {@code .ignore} and {@code .git/info/exclude} of
 *       every ancestor directory and git's global excludes file: their signatures are in the digest too.</li>
 *   <li>Symlinks are not followed (the analyzer skips them) and special files are not read: their names are in.</li>
 * </ul>
 * Stat rather than content: hashing every byte of a 10,000-file tree costs a good part of the analysis the digest
 * is meant to save. A file written twice within one clock tick with the same size is the only change missed,
 * and the ctime of the second write still differs on any kernel with nanosecond timestamps.
 */
public final class TreeDigest {

    /** Files per directory, outside the tree, that decide what the analyzer's walk lists. */
    private static final List<String> ANCESTOR_IGNORE_FILES = List.of(".gitignore", ".ignore", ".git/info/exclude");

    private TreeDigest() {
    }

    /** The digest of the directory {@code root} as hex, prefixed {@code tree:}. */
    public static String of(Path root) {
        List<String> listing = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                        signatureIfPresent(root.relativize(dir).resolve("info/exclude"), dir.resolve("info/exclude"))
                                .ifPresent(listing::add);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    listing.add(attrs.isRegularFile() ? signature(root.relativize(file).toString(), file, attrs)
                            : root.relativize(file) + "\u0000special");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    listing.add(root.relativize(file) + "\u0000unreadable");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        listing.sort(null);
        for (Path dir = root.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            for (String name : ANCESTOR_IGNORE_FILES) {
                signatureIfPresent(dir.resolve(name), dir.resolve(name)).ifPresent(listing::add);
            }
        }
        for (Path global : globalExcludes()) {
            signatureIfPresent(global, global).ifPresent(listing::add);
        }
        MessageDigest sha = ResultDigest.sha256();
        listing.forEach(line -> ResultDigest.update(sha, line));
        return "tree:" + HexFormat.of().formatHex(sha.digest());
    }

    /** Git's global excludes as the analyzer's walk finds them, and the config that may name another. */
    private static List<Path> globalExcludes() {
        List<Path> files = new ArrayList<>();
        String xdg = System.getenv("XDG_CONFIG_HOME");
        String home = System.getProperty("user.home");
        if (xdg != null && !xdg.isBlank()) {
            files.add(Path.of(xdg, "git", "ignore"));
        }
        if (home != null && !home.isBlank()) {
            files.add(Path.of(home, ".config", "git", "ignore"));
            files.add(Path.of(home, ".gitconfig"));
        }
        return files;
    }

    /** The signature of a file that may be absent (then it adds nothing: its appearance changes the digest). */
    private static Optional<String> signatureIfPresent(Path name, Path file) {
        try {
            return Optional.of(signature(name.toString(), file,
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String signature(String name, Path file, BasicFileAttributes attrs) {
        Object ctime;
        try {
            ctime = ((FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            ctime = "?"; // no unix view (not Linux/macOS): size, mtime and file key still count
        }
        return name + "\u0000" + attrs.size() + "\u0000" + attrs.lastModifiedTime().toInstant() + "\u0000" + ctime
                + "\u0000" + attrs.fileKey();
    }
}
