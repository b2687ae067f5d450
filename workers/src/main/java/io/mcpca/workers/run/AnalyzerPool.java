package io.mcpca.workers.run;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.metrics.PoolMeters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of warm analyzer processes. A call borrows one, runs, and gives it back; a process
 * that died, timed out or was cancelled is closed and replaced by a fresh one before it is given back,
 * so the pool never shrinks. {@link #cancel} kills the process running a request; a cancel that comes
 * before its call started is remembered for a while, so the call ends cancelled as soon as it starts.
 */
public final class AnalyzerPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerPool.class);
    /**
     * How long an early cancel is remembered: a call still queued after this is far past any sane
     * deadline of an interactive client; the bound keeps memory flat under a flood of cancels.
     */
    private static final Duration EARLY_CANCEL_MEMORY = Duration.ofMinutes(10);
    private static final long MAX_EARLY_CANCELS = 100_000;

    private final Path binary;
    private final List<String> serveOptions;
    private final SharedFileResults shared;
    private final long maxResultBytes;
    private final BlockingQueue<AnalyzerProcess> idle;
    private final List<AnalyzerProcess> all = new ArrayList<>();
    private final Map<String, AnalyzerProcess> running = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> cancelledEarly = Caffeine.newBuilder()
            .expireAfterWrite(EARLY_CANCEL_MEMORY).maximumSize(MAX_EARLY_CANCELS).build();
    private volatile boolean closed;
    private volatile PoolMeters meters = PoolMeters.NONE;

    public AnalyzerPool(Path binary, int size) {
        this(binary, size, List.of(), SharedFileResults.NONE);
    }

    /**
     * @param serveOptions options of every {@code mcpca-analyzer serve} (separate arguments, no shell)
     * @param shared       where the processes share per-file results with other workers
     */
    public AnalyzerPool(Path binary, int size, List<String> serveOptions, SharedFileResults shared) {
        this(binary, size, serveOptions, shared, AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES);
    }

    /** @param maxResultBytes the longest result line, in bytes, a call may answer with (see {@link AnalyzerProcess}) */
    public AnalyzerPool(Path binary, int size, List<String> serveOptions, SharedFileResults shared,
                        long maxResultBytes) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("analyzer binary not found or not executable: " + binary
                    + " (build it with: cd rust-workers && cargo build --release, or run ./mcpca which builds it)");
        }
        this.binary = binary;
        this.serveOptions = List.copyOf(serveOptions);
        this.shared = shared;
        this.maxResultBytes = maxResultBytes;
        this.idle = new LinkedBlockingQueue<>();
        for (int i = 0; i < size; i++) {
            AnalyzerProcess process = AnalyzerProcess.start(binary, this.serveOptions, this.shared, maxResultBytes);
            register(process);
            idle.add(process);
        }
        log.info("analyzer pool ready: {} warm processes of {}", size, binary);
    }

    /** Where this pool counts its runs, crashes and restarts (set once, before calls come). */
    public void setMeters(PoolMeters meters) {
        this.meters = meters;
    }

    /** Runs one call on a free process, waiting at most {@code timeout} in all. */
    public AnalyzerOutcome call(String id, String tool, Map<String, Object> args, Duration timeout,
                                ProgressListener progress) {
        if (cancelledEarly.asMap().remove(id) != null) {
            return AnalyzerOutcome.cancelled("the call was cancelled before it started");
        }
        long start = System.nanoTime();
        AnalyzerProcess process;
        try {
            process = idle.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AnalyzerOutcome.failure(ErrorCode.UNAVAILABLE, "worker is shutting down");
        }
        if (process == null) {
            return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED, "no analyzer process became free in time");
        }
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        running.put(id, process);
        try {
            if (cancelledEarly.asMap().remove(id) != null) {
                return AnalyzerOutcome.cancelled("the call was cancelled before it started");
            }
            long began = System.nanoTime();
            AnalyzerOutcome outcome = process.call(id, tool, args, left, progress);
            meters.analyzerRan(tool, System.nanoTime() - began);
            if (!outcome.succeeded() && outcome.error() == ErrorCode.ANALYZER_FAILED) {
                meters.analyzerCrashed();
            }
            return outcome;
        } finally {
            running.remove(id);
            giveBack(process);
        }
    }

    /**
     * Cancels request {@code id}: kills its analyzer process if it is running here (the call returns a
     * cancelled outcome and the pool starts a fresh process), else remembers the cancel for a call that
     * has not started yet.
     *
     * @return whether a running call was cancelled
     */
    public boolean cancel(String id) {
        AnalyzerProcess process = running.get(id);
        if (process == null) {
            cancelledEarly.put(id, Boolean.TRUE);
            return false;
        }
        log.info("cancelling call {}: killing analyzer process {}", id, process.pid());
        process.cancel();
        return true;
    }

    /** The pid of the process running {@code id}, if one is (for tests and diagnostics). */
    public java.util.Optional<Long> pidOf(String id) {
        return java.util.Optional.ofNullable(running.get(id)).map(AnalyzerProcess::pid);
    }

    /** Pids of this pool's live processes. */
    public synchronized java.util.Set<Long> pids() {
        return all.stream().filter(AnalyzerProcess::isUsable).map(AnalyzerProcess::pid)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Ids of the calls running now. */
    public java.util.Set<String> runningCalls() {
        return java.util.Set.copyOf(running.keySet());
    }

    private void giveBack(AnalyzerProcess process) {
        if (closed) {
            process.close();
            return;
        }
        if (process.isUsable()) {
            idle.add(process);
            return;
        }
        process.close();
        log.warn("analyzer process {} replaced (it died, overran a deadline or was cancelled)", process.pid());
        meters.analyzerRestarted();
        AnalyzerProcess fresh = AnalyzerProcess.start(binary, this.serveOptions, this.shared, maxResultBytes);
        register(fresh);
        idle.add(fresh);
    }

    private synchronized void register(AnalyzerProcess process) {
        all.removeIf(p -> !p.isUsable());
        all.add(process);
    }

    @Override
    public synchronized void close() {
        closed = true;
        all.forEach(AnalyzerProcess::close);
        all.clear();
    }
}
