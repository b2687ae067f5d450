package io.mcpca.shared.registry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpca.workers.live{pool}}: the workers with a fresh heartbeat in the registry, per pool, 0 for a pool
 * nobody reads (which an alert wants to see). Every process exports it (dashboards take the max), so the number
 * survives the death of every worker of a pool. One registry read per {@link #REFRESH}, shared by the pools.
 */
public final class LiveWorkersGauge {

    private static final Logger log = LoggerFactory.getLogger(LiveWorkersGauge.class);
    static final Duration REFRESH = Duration.ofSeconds(1);

    private final LiveWorkers live;
    private final List<String> pools;
    private final LongSupplier nanoTime;
    private List<WorkerRegistration> last = List.of();
    private long readAtNanos;
    private boolean read;

    public LiveWorkersGauge(LiveWorkers live, Collection<String> pools, LongSupplier nanoTime) {
        this.live = live;
        this.pools = List.copyOf(pools);
        this.nanoTime = nanoTime;
    }

    public void bindTo(MeterRegistry registry) {
        for (String pool : pools) {
            Gauge.builder("mcpca.workers.live", this, g -> g.countIn(pool)).tag("pool", pool).strongReference(true)
                    .description("Workers of the pool with a fresh heartbeat in the mcpca:workers registry")
                    .register(registry);
        }
    }

    /** Live workers reading {@code pool}; NaN while the registry cannot be read. */
    synchronized double countIn(String pool) {
        long now = nanoTime.getAsLong();
        if (!read || now - readAtNanos >= REFRESH.toNanos()) {
            readAtNanos = now;
            try {
                last = live.list();
                read = true;
            } catch (RuntimeException e) {
                log.debug("worker registry not read: {}", e.toString());
                read = false;
                return Double.NaN;
            }
        }
        return last.stream().filter(r -> r.pools().contains(pool)).count();
    }
}
