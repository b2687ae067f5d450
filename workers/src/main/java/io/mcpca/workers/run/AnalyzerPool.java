package io.mcpca.workers.run;

import io.mcpca.shared.wire.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of warm analyzer processes. A call borrows one, runs, and gives it back; a process
 * that died or timed out is closed and replaced by a fresh one before it is given back, so the pool
 * never shrinks.
 */
public final class AnalyzerPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerPool.class);

    private final Path binary;
    private final BlockingQueue<AnalyzerProcess> idle;
    private final List<AnalyzerProcess> all = new ArrayList<>();
    private volatile boolean closed;

    public AnalyzerPool(Path binary, int size) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("analyzer binary not found or not executable: " + binary
                    + " (build it with: cd rust-workers && cargo build --release, or run ./mcpca which builds it)");
        }
        this.binary = binary;
        this.idle = new LinkedBlockingQueue<>();
        for (int i = 0; i < size; i++) {
            AnalyzerProcess process = AnalyzerProcess.start(binary);
            register(process);
            idle.add(process);
        }
        log.info("analyzer pool ready: {} warm processes of {}", size, binary);
    }

    /** Runs one call on a free process, waiting at most {@code timeout} in all. */
    public AnalyzerOutcome call(String id, String tool, Map<String, Object> args, Duration timeout,
                                ProgressListener progress) {
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
        try {
            return process.call(id, tool, args, left, progress);
        } finally {
            giveBack(process);
        }
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
        log.warn("analyzer process {} replaced (it died or overran a deadline)", process.pid());
        AnalyzerProcess fresh = AnalyzerProcess.start(binary);
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
