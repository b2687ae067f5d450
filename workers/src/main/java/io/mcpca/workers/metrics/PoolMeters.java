package io.mcpca.workers.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The counters and timers of one worker pool (tag {@code pool}), names as in the meter catalogue: what the read loop
 * consumed, what was acknowledged, reclaimed, redelivered and dead-lettered, session-lease waits, and the analyzer
 * processes' restarts, crashes and run times (by tool: bounded by the tool catalogue). {@link #NONE} records nothing.
 */
public final class PoolMeters {

    /** Analyzer run times: a ping takes ~1 ms, a large tree minutes; the histogram spans 1 ms .. 10 min. */
    private static final Duration RUN_MIN = Duration.ofMillis(1);
    private static final Duration RUN_MAX = Duration.ofMinutes(10);

    /** Meters that go nowhere (a registry with no children records nothing). */
    public static final PoolMeters NONE = new PoolMeters(new CompositeMeterRegistry(), "none");

    private final MeterRegistry registry;
    private final String pool;
    private final Counter consumed;
    private final Counter acknowledged;
    private final Counter reclaimed;
    private final Counter redelivered;
    private final Counter deadLettered;
    private final Timer lockWait;
    private final Counter lockContention;
    private final Counter analyzerRestarts;
    private final Counter analyzerCrashes;
    private final Map<String, Timer> runs = new ConcurrentHashMap<>();

    PoolMeters(MeterRegistry registry, String pool) {
        this.registry = registry;
        this.pool = pool;
        this.consumed = counter("mcpca.worker.consumed", "Entries read from the pool's request streams");
        this.acknowledged = counter("mcpca.worker.acknowledged", "Entries acknowledged (XACK) after their answer");
        this.reclaimed = counter("mcpca.worker.reclaimed", "Idle entries of other workers taken over (XAUTOCLAIM)");
        this.redelivered = counter("mcpca.worker.redelivered", "Reclaimed entries run again");
        this.deadLettered = counter("mcpca.worker.dead.lettered", "Entries moved to the dead-letter stream");
        this.lockWait = Timer.builder("mcpca.worker.lock.wait").tag("pool", pool)
                .description("Time a session-locked call waited for its session's lease").register(registry);
        this.lockContention = counter("mcpca.worker.lock.contention", "Calls that found their session busy");
        this.analyzerRestarts = Counter.builder("mcpca.analyzer.restarts").tag("pool", pool)
                .description("Analyzer processes replaced (died, overran a deadline, or cancelled)").register(registry);
        this.analyzerCrashes = Counter.builder("mcpca.analyzer.crashes").tag("pool", pool)
                .description("Analyzer calls that ended in a crash of the process (ANALYZER_FAILED)").register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).tag("pool", pool).description(description).register(registry);
    }

    public String pool() {
        return pool;
    }

    public void consumed(int entries) {
        consumed.increment(entries);
    }

    public void acknowledged(long entries) {
        acknowledged.increment(entries);
    }

    public void reclaimed() {
        reclaimed.increment();
    }

    public void redelivered() {
        redelivered.increment();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    /** A lease wait that ended (taken, or given up at the deadline); {@code contended}: the session was busy. */
    public void lockWaited(long nanos, boolean contended) {
        lockWait.record(nanos, TimeUnit.NANOSECONDS);
        if (contended) {
            lockContention.increment();
        }
    }

    public void analyzerRestarted() {
        analyzerRestarts.increment();
    }

    public void analyzerCrashed() {
        analyzerCrashes.increment();
    }

    /** One analyzer run of {@code tool}. */
    public void analyzerRan(String tool, long nanos) {
        runs.computeIfAbsent(tool, t -> Timer.builder("mcpca.analyzer.run").tag("pool", pool).tag("tool", t)
                .description("Time an analyzer process took for a call").publishPercentileHistogram()
                .minimumExpectedValue(RUN_MIN).maximumExpectedValue(RUN_MAX).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
