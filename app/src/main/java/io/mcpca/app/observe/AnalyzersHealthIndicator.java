package io.mcpca.app.observe;

import io.mcpca.workers.run.AnalyzerPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A worker is ready when every one of its pools has a warm analyzer process (a call would not wait for one to
 * start). A process without a worker has nothing to warm: UP, saying so.
 */
public final class AnalyzersHealthIndicator implements HealthIndicator {

    private final Map<String, AnalyzerPool> pools;

    /** @param pools the worker's analyzer pools by pool name; empty in a process without a worker */
    public AnalyzersHealthIndicator(Map<String, AnalyzerPool> pools) {
        this.pools = Map.copyOf(pools);
    }

    /** The pools of a worker, {@code names} and {@code analyzers} in the same order. */
    public static AnalyzersHealthIndicator of(List<String> names, List<AnalyzerPool> analyzers) {
        Map<String, AnalyzerPool> pools = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(names.size(), analyzers.size()); i++) {
            pools.put(names.get(i), analyzers.get(i));
        }
        return new AnalyzersHealthIndicator(pools);
    }

    @Override
    public Health health() {
        if (pools.isEmpty()) {
            return Health.up().withDetail("worker", "none in this process").build();
        }
        Map<String, Integer> warm = new LinkedHashMap<>();
        pools.forEach((name, pool) -> warm.put(name, pool.pids().size()));
        boolean ready = warm.values().stream().allMatch(n -> n > 0);
        return (ready ? Health.up() : Health.down()).withDetails(Map.copyOf(warm)).build();
    }
}
