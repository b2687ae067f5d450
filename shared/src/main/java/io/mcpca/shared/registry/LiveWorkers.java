package io.mcpca.shared.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.mcpca.shared.keys.Keys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code mcpca:workers} registry: the workers whose heartbeat is fresh. Entries that do not parse and
 * stale ones are skipped here (the workers' own heartbeats prune them from the hash).
 */
public final class LiveWorkers {

    /** The workers' default heartbeat period ({@code mcpca.worker.heartbeat-period}), for records that do not say. */
    private static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisHashCommands<String, String> redis;
    private final Keys keys;
    private final Clock clock;

    public LiveWorkers(RedisHashCommands<String, String> redis, Keys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** The live workers now, in no particular order. */
    public List<WorkerRegistration> list() {
        long now = clock.millis();
        List<WorkerRegistration> live = new ArrayList<>();
        for (Map.Entry<String, String> entry : redis.hgetall(keys.workers()).entrySet()) {
            parse(entry.getValue()).filter(r -> r.isLive(now, DEFAULT_PERIOD.toMillis())).ifPresent(live::add);
        }
        return live;
    }

    /** Live workers reading {@code pool}. */
    public long countIn(String pool) {
        return list().stream().filter(r -> r.pools().contains(pool)).count();
    }

    /** A registration from its JSON; empty when it does not parse. */
    public static Optional<WorkerRegistration> parse(String json) {
        try {
            return Optional.of(JSON.readValue(json, WorkerRegistration.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The JSON a registration is stored as. */
    public static String toJson(WorkerRegistration registration) {
        try {
            return JSON.writeValueAsString(registration);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registration always serializes", e);
        }
    }
}
