package io.mcpca.workers.lifecycle;

import io.mcpca.workers.consume.JobConsumer;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the pools' consumers once the context is up and stops them first on shutdown: stop reading,
 * let calls in flight finish within the grace period, then the analyzer pool and Redis close.
 */
public final class WorkerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final List<JobConsumer> consumers;
    private final Duration grace;
    private final String workerId;
    private volatile boolean running;

    public WorkerLifecycle(List<JobConsumer> consumers, Duration grace, String workerId) {
        this.consumers = consumers;
        this.grace = grace;
        this.workerId = workerId;
    }

    @Override
    public void start() {
        consumers.forEach(JobConsumer::start);
        running = true;
        log.info("worker {} consuming {} pool(s)", workerId, consumers.size());
    }

    @Override
    public void stop() {
        running = false;
        consumers.parallelStream().forEach(c -> c.stop(grace));
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
