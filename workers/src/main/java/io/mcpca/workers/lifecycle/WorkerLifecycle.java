package io.mcpca.workers.lifecycle;

import io.mcpca.workers.consume.CallConsumer;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.PendingReclaimer;
import io.mcpca.workers.reply.ReplyBatcher;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the worker once the context is up and stops it first on shutdown.
 *
 * <p>Start: 1. register in the worker registry; 2. start refreshing held entries; 3. start the pools'
 * consumers; 4. start the reclaimers. Stop: 1. stop reclaiming (take on no more work); 2. stop
 * the consumers: reading ends at once, calls in flight finish within the grace period (their entries
 * stay refreshed meanwhile), the rest is handed back to live workers; 3. stop refreshing; 4. leave the
 * registry. The analyzer pools and Redis connections close after this, when the beans are destroyed.
 */
public final class WorkerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final List<CallConsumer> consumers;
    private final List<PendingReclaimer> reclaimers;
    private final ClaimRefresher claims;
    private final WorkerRegistry registry;
    private final ReplyBatcher batcher;
    private final Duration grace;
    private final String workerId;
    private volatile boolean running;

    public WorkerLifecycle(List<CallConsumer> consumers, List<PendingReclaimer> reclaimers, ClaimRefresher claims,
                           WorkerRegistry registry, ReplyBatcher batcher, Duration grace, String workerId) {
        this.consumers = consumers;
        this.reclaimers = reclaimers;
        this.claims = claims;
        this.registry = registry;
        this.batcher = batcher;
        this.grace = grace;
        this.workerId = workerId;
    }

    @Override
    public void start() {
        registry.start();
        claims.start();
        batcher.start();
        consumers.forEach(CallConsumer::start);
        reclaimers.forEach(PendingReclaimer::start);
        running = true;
        log.info("worker {} consuming {} pool(s)", workerId, consumers.size());
    }

    @Override
    public void stop() {
        running = false;
        reclaimers.forEach(PendingReclaimer::close);
        consumers.parallelStream().forEach(c -> c.stop(grace));
        batcher.close();
        claims.close();
        registry.stop();
        log.info("worker {} stopped", workerId);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // After the web server (which stops first on shutdown at a higher phase) and before Redis beans are destroyed.
        return Integer.MAX_VALUE - 2048;
    }
}
