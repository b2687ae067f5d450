package io.mcpca.workers.consume;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Creates a pool's consumer group on each of its partitions, idempotently: BUSYGROUP (it exists) is
 * fine, MKSTREAM creates a missing stream. Groups start at id 0 so calls appended before the first
 * worker came up are served too. Called at start and again whenever a read answers NOGROUP (the
 * stream or group was deleted, or Redis restarted empty).
 */
public final class ConsumerGroups {

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final Keys keys;
    private final int partitions;

    public ConsumerGroups(RedisStreamCommands<byte[], byte[]> redis, Keys keys, int partitions) {
        this.redis = redis;
        this.keys = keys;
        this.partitions = partitions;
    }

    /**
     * The pool's partitions, then its batch lanes, highest priority first ({@link #lanes} of them: read last, with the
     * same COUNT as each partition: a queued batch takes at most a read's share of the slots, never the place of an
     * interactive call; docs/decisions/016 and 036).
     */
    public List<byte[]> streamsOf(String pool) {
        return java.util.stream.Stream.concat(IntStream.range(0, partitions).mapToObj(n -> keys.requestStream(pool, n)),
                        keys.batchLanes(pool).stream())
                .map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** How many of {@link #streamsOf}'s streams, at its end, are batch lanes. */
    public int lanes(String pool) {
        return keys.batchLanes(pool).size();
    }

    public void ensure(String pool) {
        byte[] group = pool.getBytes(StandardCharsets.UTF_8);
        for (byte[] stream : streamsOf(pool)) {
            try {
                redis.xgroupCreate(StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
            } catch (RedisBusyException exists) {
                // BUSYGROUP: another worker created it first
            }
        }
    }
}
