package io.mcpca.workers.lifecycle;

import io.lettuce.core.api.sync.RedisHashCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.registry.LiveWorkers;
import io.mcpca.shared.registry.WorkerRegistration;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's entry in the {@code mcpca:workers} hash: field = worker id, value = a JSON
 * {@link WorkerRegistration} (pools, tools and versions, heartbeat, metrics address). Hash fields cannot expire
 * on Redis 7, so every heartbeat also prunes entries whose heartbeat is older than three periods (their worker
 * died without a graceful stop).
 *
 * <p>Lifecycle: 1. {@link #start} writes the entry and schedules the heartbeat; 2. each heartbeat
 * rewrites it with a fresh timestamp ({@link #advertiseMetrics} beats at once, so a worker whose port is known only
 * after its web server started is found without waiting a period); 3. {@link #stop} cancels the heartbeat and
 * deletes the entry.
 */
public final class WorkerRegistry {

    private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);

    private final RedisHashCommands<String, String> redis;
    private final Keys keys;
    private volatile WorkerRegistration template;
    private final Duration period;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public WorkerRegistry(RedisHashCommands<String, String> redis, Keys keys, String workerId, List<String> pools,
                          Map<String, String> tools, int concurrency, Duration period, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.period = period;
        this.clock = clock;
        this.template = new WorkerRegistration(WorkerRegistration.VERSION, workerId, pools, tools, concurrency, 0,
                clock.millis(), period.toMillis(), "");
    }

    public void start() {
        heartbeat();
        timer.scheduleWithFixedDelay(this::heartbeat, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on the entry names {@code hostPort} as where this worker's actuator is scraped; beats at once. */
    public void advertiseMetrics(String hostPort) {
        template = template.withMetricsAddress(hostPort);
        if (!timer.isShutdown()) {
            timer.execute(this::heartbeat);
        }
    }

    public void stop() {
        timer.shutdownNow();
        try {
            redis.hdel(keys.workers(), template.workerId());
        } catch (RuntimeException e) {
            log.warn("could not remove worker {} from {}: {}", template.workerId(), keys.workers(), e.getMessage());
        }
    }

    void heartbeat() {
        try {
            long now = clock.millis();
            redis.hset(keys.workers(), template.workerId(), LiveWorkers.toJson(template.beatAt(now)));
            pruneStale(now);
        } catch (RuntimeException e) {
            // Redis down: the next beat tries again; readers see an old heartbeat meanwhile
            log.warn("worker heartbeat failed: {}", e.getMessage());
        }
    }

    private void pruneStale(long now) {
        redis.hgetall(keys.workers()).forEach((id, value) -> {
            var other = LiveWorkers.parse(value);
            if (other.isEmpty()) {
                redis.hdel(keys.workers(), id);
            } else if (!other.get().isLive(now, period.toMillis())) {
                redis.hdel(keys.workers(), id);
                log.info("removed worker {} from the registry: no heartbeat for {} ms", id,
                        now - other.get().heartbeatAtMs());
            }
        });
    }
}
