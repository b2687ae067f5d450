package io.mcpca.app.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load of the failover and resharding tests: callers, one thread each, calling one call after another until a
 * stop time the test may set while they run (after a kill, after the last slot moved); every call's outcome is kept.
 */
final class CallerLoad {

    /** The {@code i}th call of {@code caller}. */
    interface Call {
        CallOutcome call(int caller, int i);
    }

    private final ConcurrentLinkedQueue<CallOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();
    /** {@code System.nanoTime()} after which no caller starts a call; volatile: set by the test while they run. */
    private volatile long stopAt;

    private CallerLoad(int callers, long stopAt, Call call) {
        this.stopAt = stopAt;
        this.threads = Executors.newFixedThreadPool(callers);
        for (int c = 0; c < callers; c++) {
            int caller = c;
            running.add(threads.submit(() -> {
                for (int i = 0; System.nanoTime() < this.stopAt; i++) {
                    outcomes.add(call.call(caller, i));
                }
            }));
        }
    }

    /** {@code callers} threads calling until {@code stopAt} ({@code System.nanoTime()}; Long.MAX_VALUE: until set). */
    static CallerLoad start(int callers, long stopAt, Call call) {
        return new CallerLoad(callers, stopAt, call);
    }

    void stopAt(long nanoTime) {
        stopAt = nanoTime;
    }

    /**
     * Waits for each caller to end its last call, each within {@code timeout} (a hung call would hold its caller past
     * it), and returns every outcome.
     */
    List<CallOutcome> awaitEnd(Duration timeout) throws Exception {
        try {
            for (Future<?> f : running) {
                f.get(timeout.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        return List.copyOf(outcomes);
    }
}
