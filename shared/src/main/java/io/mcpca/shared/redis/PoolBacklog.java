package io.mcpca.shared.redis;

import static io.mcpca.shared.redis.InfoFields.field;
import static io.mcpca.shared.redis.InfoFields.text;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How much work a pool has not finished: over all its partitions, the consumer group's {@code lag}
 * (entries not yet delivered) and {@code pending} (delivered, not acknowledged), from
 * {@code XINFO GROUPS} (Redis 7.0+). The one measurement of a pool's backlog: the ingress's backpressure
 * refuses calls on {@link #of} (lag + pending), the workers export both parts as meters. Read at most once per
 * {@link #REFRESH} per pool: one XINFO per partition per 100 ms costs Redis nothing, and a backlog that passes
 * the limit within 100 ms passes it by at most 100 ms of arrivals.
 */
public final class PoolBacklog {

    /** How long a measured backlog is reused. */
    public static final Duration REFRESH = Duration.ofMillis(100);

    /**
     * One pool's backlog over its partitions.
     *
     * @param lag     entries not yet delivered to any consumer of the group
     * @param pending entries delivered and not yet acknowledged (running, or held by a dead worker)
     */
    public record Backlog(long lag, long pending) {
        public static final Backlog NONE = new Backlog(0, 0);

        public long total() {
            return lag + pending;
        }

        Backlog plus(Backlog other) {
            return new Backlog(lag + other.lag, pending + other.pending);
        }
    }

    private record Reading(Backlog backlog, long atNanos) {
    }

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final Keys keys;
    private final int partitions;
    private final LongSupplier nanoTime;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    public PoolBacklog(RedisStreamCommands<byte[], byte[]> redis, Keys keys, int partitions, LongSupplier nanoTime) {
        this.redis = redis;
        this.keys = keys;
        this.partitions = partitions;
        this.nanoTime = nanoTime;
    }

    /** Lag + pending of {@code pool}'s group over its partitions, at most {@link #REFRESH} old. */
    public long of(String pool) {
        return backlog(pool).total();
    }

    /** Lag and pending of {@code pool}'s group over its partitions, at most {@link #REFRESH} old. */
    public Backlog backlog(String pool) {
        long now = nanoTime.getAsLong();
        Reading last = readings.get(pool);
        if (last != null && now - last.atNanos() < REFRESH.toNanos()) {
            return last.backlog();
        }
        Backlog backlog = Backlog.NONE;
        for (int n = 0; n < partitions; n++) {
            backlog = backlog.plus(ofStream(keys.requestStream(pool, n), pool));
        }
        readings.put(pool, new Reading(backlog, now));
        return backlog;
    }

    /** Lag + pending of {@code pool}'s batch lanes (every priority), read now (a batch submit asks once, not per call). */
    public long ofBatchLane(String pool) {
        long total = 0;
        for (String lane : keys.batchLanes(pool)) {
            total += ofStream(lane, pool).total();
        }
        return total;
    }

    private Backlog ofStream(String stream, String group) {
        List<Object> groups;
        try {
            groups = redis.xinfoGroups(stream.getBytes(StandardCharsets.UTF_8));
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("no such key")) {
                return Backlog.NONE; // no stream yet: nothing waits
            }
            throw e;
        }
        for (Object g : groups) {
            if (!(g instanceof List<?> fields)) {
                continue;
            }
            Object name = field(fields, "name");
            if (!group.equals(text(name))) {
                continue;
            }
            return new Backlog(number(field(fields, "lag")), number(field(fields, "pending")));
        }
        return Backlog.NONE; // no group yet: no worker has come up; the stream's entries wait, but we cannot count them cheaply
    }

    /** lag is nil when Redis cannot tell (after XDEL or a trim past the group); count it as 0. */
    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof byte[] b) {
            try {
                return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
