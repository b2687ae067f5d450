package io.mcpca.workers.checkout;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkouts by commit, one directory each ({@code <dir>/<sha>}), bounded by total size: least recently used
 * first out, never one a call is reading (each call holds a {@link Lease}). A checkout is made once: concurrent
 * calls for one commit wait for the first one's clone; the clone is filled in a temporary directory and
 * renamed into place atomically, so no reader ever sees half a checkout, and a process that loses a rename
 * race to another simply uses the winner's. One worker process owns the directory (a lock file); a second
 * process finding it owned uses a private subdirectory it deletes on close, so no process evicts what
 * another reads. Lifecycle: 1. open: take the lock, delete leftovers of a crash (temporary and trash
 * directories), index what is there by size and modification time, evict down to the bound; 2. acquire
 * (per call); 3. close: release the lock (and delete a private directory).
 */
public final class CheckoutCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CheckoutCache.class);
    /** A checkout's directory name: a full SHA-1 or SHA-256 object name. */
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** A checkout's name in the cache: its commit, with {@link #WITH_HISTORY} when it holds the commit's history too. */
    static final Pattern KEY = Pattern.compile("([0-9a-f]{40}|[0-9a-f]{64})(-history|-submodules)?");
    /** The suffix of a checkout that holds the whole history up to its commit (the history tools read it). */
    public static final String WITH_HISTORY = "-history";
    /** The suffix of a checkout that holds its submodules too ({@code analyze-repository} with {@code submodules}). */
    public static final String WITH_SUBMODULES = "-submodules";
    private static final String TEMPORARY = ".tmp-";
    private static final String TRASH = ".trash-";

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final boolean privateDir;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> filling = new HashMap<>();
    private long totalBytes;

    private static final class Entry {
        final Path path;
        final long bytes;
        long lastUsedMs;
        int leases;

        Entry(Path path, long bytes, long lastUsedMs) {
            this.path = path;
            this.bytes = bytes;
            this.lastUsedMs = lastUsedMs;
        }
    }

    /** A call's hold on a checkout: it is not evicted until closed. */
    public final class Lease implements AutoCloseable {
        private final String commit;
        private final Entry entry;
        private boolean closed;

        private Lease(String commit, Entry entry) {
            this.commit = commit;
            this.entry = entry;
        }

        public Path path() {
            return entry.path;
        }

        public String commit() {
            return commit;
        }

        @Override
        public void close() {
            synchronized (CheckoutCache.this) {
                if (!closed) {
                    closed = true;
                    entry.leases--;
                    evict();
                }
            }
        }
    }

    public CheckoutCache(Path configured, long maxBytes, Clock clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
        try {
            Files.createDirectories(configured);
            FileChannel channel = FileChannel.open(configured.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock taken = tryLock(channel);
            if (taken == null) {
                channel.close();
                // another worker process owns the directory: one of our own inside it, deleted on close
                Path own = configured.resolve("worker-" + ProcessHandle.current().pid() + "-"
                        + UUID.randomUUID().toString().substring(0, 8));
                Files.createDirectories(own);
                channel = FileChannel.open(own.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                taken = channel.lock();
                this.privateDir = true;
                this.dir = own.toRealPath();
            } else {
                this.privateDir = false;
                this.dir = configured.toRealPath();
            }
            this.lockFile = channel;
            this.lock = taken;
            index();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the checkout cache " + configured, e);
        }
    }

    /** The directory checkouts live in (this process's own). */
    public Path directory() {
        return dir;
    }

    /** Bytes of the checkouts held now. */
    public synchronized long totalBytes() {
        return totalBytes;
    }

    /** Commits checked out here now. */
    public synchronized java.util.Set<String> commits() {
        return java.util.Set.copyOf(entries.keySet());
    }

    /**
     * A lease on the checkout of {@code commit}; if there is none, {@code fill} makes it in an empty temporary
     * directory (once, however many calls ask at the same time; they all get its outcome).
     */
    public Lease acquire(String commit, Consumer<Path> fill) {
        if (!KEY.matcher(commit).matches()) {
            throw new IllegalArgumentException("not a full commit name: " + commit);
        }
        while (true) {
            CompletableFuture<Void> mine = null;
            CompletableFuture<Void> theirs;
            synchronized (this) {
                Entry entry = entries.get(commit);
                if (entry != null) {
                    return lease(commit, entry);
                }
                theirs = filling.get(commit);
                if (theirs == null) {
                    mine = new CompletableFuture<>();
                    filling.put(commit, mine);
                }
            }
            if (mine != null) {
                return fillAndLease(commit, fill, mine);
            }
            try {
                theirs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause
                        : new CheckoutException(ErrorCode.INTERNAL, String.valueOf(e.getCause()));
            }
        }
    }

    private Lease fillAndLease(String commit, Consumer<Path> fill, CompletableFuture<Void> mine) {
        try {
            Path target = dir.resolve(commit);
            if (!Files.isDirectory(target)) {
                Path temporary = dir.resolve(TEMPORARY + UUID.randomUUID());
                try {
                    Files.createDirectory(temporary);
                    fill.accept(temporary);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                    deleteTree(temporary); // made meanwhile by another process: theirs is as good
                } catch (IOException e) {
                    deleteTree(temporary);
                    throw new CheckoutException(ErrorCode.INTERNAL, "cannot store the checkout: " + e.getMessage());
                } catch (RuntimeException e) {
                    deleteTree(temporary);
                    throw e;
                }
            }
            long bytes = sizeOf(target);
            Lease lease;
            synchronized (this) {
                Entry entry = new Entry(target, bytes, clock.millis());
                entries.put(commit, entry);
                totalBytes += bytes;
                lease = lease(commit, entry);
                evict();
            }
            mine.complete(null);
            return lease;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            synchronized (this) {
                filling.remove(commit);
            }
        }
    }

    private Lease lease(String commit, Entry entry) {
        entry.leases++;
        entry.lastUsedMs = clock.millis();
        try {
            Files.setLastModifiedTime(entry.path, FileTime.fromMillis(entry.lastUsedMs)); // LRU order across restarts
        } catch (IOException ignored) {
            // the order in memory is what counts while this process runs
        }
        return new Lease(commit, entry);
    }

    /** Evicts least recently used checkouts nobody holds until the cache is within its bound. */
    private synchronized void evict() {
        while (totalBytes > maxBytes) {
            Optional<Map.Entry<String, Entry>> oldest = entries.entrySet().stream()
                    .filter(e -> e.getValue().leases == 0)
                    .min(Comparator.comparingLong(e -> e.getValue().lastUsedMs));
            if (oldest.isEmpty()) {
                return; // every checkout is being read: over the bound until a lease ends
            }
            entries.remove(oldest.get().getKey());
            totalBytes -= oldest.get().getValue().bytes;
            Path gone = oldest.get().getValue().path;
            Path trash = dir.resolve(TRASH + UUID.randomUUID());
            try {
                Files.move(gone, trash, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(trash);
            } catch (IOException e) {
                deleteTree(gone);
            }
            log.info("checkout cache: evicted {} ({} bytes; {} of {} bytes held)", oldest.get().getKey(),
                    oldest.get().getValue().bytes, totalBytes, maxBytes);
        }
    }

    private void index() throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(TEMPORARY) || name.startsWith(TRASH)) {
                    deleteTree(child); // a crash's leftovers
                } else if (KEY.matcher(name).matches() && Files.isDirectory(child)) {
                    long bytes = sizeOf(child);
                    entries.put(name, new Entry(child, bytes, Files.getLastModifiedTime(child).toMillis()));
                    totalBytes += bytes;
                }
            }
        }
        evict();
    }

    /** Bytes of the regular files under {@code root}, symlinks not followed; 0 when it is gone. */
    public static long sizeOf(Path root) {
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.isRegularFile() ? attrs.size() : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished while git moved it: the next poll sees it
                }
            });
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("checkout cache: cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("checkout cache: cannot delete {}: {}", root, e.getMessage());
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            log.warn("checkout cache: cannot release the lock of {}: {}", dir, e.getMessage());
        }
        if (privateDir) {
            deleteTree(dir);
        }
    }
}
