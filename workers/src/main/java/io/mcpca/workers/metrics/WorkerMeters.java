package io.mcpca.workers.metrics;

import io.mcpca.shared.redis.PoolBacklog;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.shared.redis.ReplicaWait;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's meters (names and tags in the meter catalogue): the {@link PoolMeters} of each pool, and the gauges
 * that read state when scraped: the pool's backlog (lag and pending, the numbers backpressure uses) and its
 * analyzer processes (warm ones, busy ones). {@link #NONE} records nothing.
 */
public final class WorkerMeters {

    public static final WorkerMeters NONE = new WorkerMeters(new CompositeMeterRegistry());

    private final MeterRegistry registry;
    private final Map<String, PoolMeters> pools = new ConcurrentHashMap<>();

    public WorkerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The counters and timers of {@code pool}. */
    public PoolMeters pool(String pool) {
        return pools.computeIfAbsent(pool, p -> new PoolMeters(registry, p));
    }

    /** Exports {@code pool}'s backlog: {@code mcpca.worker.backlog{kind=lag|pending}}. */
    public void watchBacklog(String pool, PoolBacklog backlog) {
        Gauge.builder("mcpca.worker.backlog", backlog, b -> b.backlog(pool).lag()).tag("pool", pool).tag("kind", "lag")
                .description("Entries of the pool not yet delivered to any worker (XINFO GROUPS lag, all partitions)")
                .strongReference(true).register(registry);
        Gauge.builder("mcpca.worker.backlog", backlog, b -> b.backlog(pool).pending()).tag("pool", pool)
                .tag("kind", "pending")
                .description("Entries of the pool delivered and not yet acknowledged (XINFO GROUPS pending)")
                .strongReference(true).register(registry);
    }

    /** The worker's WAIT shortfalls (replies written with fewer replica confirmations than asked). */
    public void watchReplicaWait(ReplicaWait durability) {
        durability.bindTo(registry, "worker");
    }

    /** Exports {@code pool}'s analyzer processes: warm ones and busy ones. */
    public void watchAnalyzers(String pool, AnalyzerPool analyzers) {
        Gauge.builder("mcpca.analyzer.processes", analyzers, a -> a.pids().size()).tag("pool", pool)
                .description("Warm analyzer processes of this worker's pool").strongReference(true).register(registry);
        Gauge.builder("mcpca.analyzer.busy", analyzers, a -> a.runningCalls().size()).tag("pool", pool)
                .description("Analyzer processes running a call").strongReference(true).register(registry);
    }
}
