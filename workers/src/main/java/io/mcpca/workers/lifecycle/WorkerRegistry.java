package io.mcpca.workers.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.mcpca.shared.keys.Keys;
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
 * {@link Registration} (pools, tools and versions, heartbeat). Hash fields cannot expire on Redis 7,
 * so every heartbeat also prunes entries whose heartbeat is older than three periods (their worker
 * died without a graceful stop).
 *
 * <p>Lifecycle: 1. {@link #start} writes the entry and schedules the heartbeat; 2. each heartbeat
 * rewrites it with a fresh timestamp; 3. {@link #stop} cancels the heartbeat and deletes the entry.
 */
public final class WorkerRegistry {

    private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);
    /** Missed heartbeats after which a worker counts as gone. */
    private static final int STALE_AFTER_PERIODS = 3;

    /**
     * @param version       layout version of this record
     * @param workerId      consumer name in the pools' groups
     * @param pools         pools it reads
     * @param tools         tool name to contract version, for the tools of those pools
     * @param concurrency   calls at once per pool
     * @param heartbeatAtMs epoch ms of the last heartbeat
     * @param startedAtMs   epoch ms of the start
     */
    public record Registration(int version, String workerId, List<String> pools, Map<String, String> tools,
                               int concurrency, long heartbeatAtMs, long startedAtMs) {
        public static final int VERSION = 1;
    }

    private final RedisHashCommands<String, String> redis;
    private final Keys keys;
    private final Registration template;
    private final Duration period;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
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
        this.template = new Registration(Registration.VERSION, workerId, List.copyOf(pools), Map.copyOf(tools),
                concurrency, 0, clock.millis());
    }

    public void start() {
        heartbeat();
        timer.scheduleWithFixedDelay(this::heartbeat, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
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
            Registration current = new Registration(template.version(), template.workerId(), template.pools(),
                    template.tools(), template.concurrency(), now, template.startedAtMs());
            redis.hset(keys.workers(), template.workerId(), json.writeValueAsString(current));
            pruneStale(now);
        } catch (JsonProcessingException | RuntimeException e) {
            // Redis down: the next beat tries again; readers see an old heartbeat meanwhile
            log.warn("worker heartbeat failed: {}", e.getMessage());
        }
    }

    private void pruneStale(long now) {
        long staleBefore = now - STALE_AFTER_PERIODS * period.toMillis();
        redis.hgetall(keys.workers()).forEach((id, value) -> {
            try {
                Registration other = json.readValue(value, Registration.class);
                if (other.heartbeatAtMs() < staleBefore) {
                    redis.hdel(keys.workers(), id);
                    log.info("removed worker {} from the registry: no heartbeat for {} ms", id,
                            now - other.heartbeatAtMs());
                }
            } catch (JsonProcessingException e) {
                redis.hdel(keys.workers(), id);
            }
        });
    }
}
