package io.mcpca.ingress.submit;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.shared.redis.ReplicatedWrites;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Appends a call to the request stream of its pool, on the partition of its session. Once
 * {@link #submit} returns, the call is in Redis and will be answered (at-least-once execution); with
 * {@code mcpca.redis.wait-replicas} set, it is on that many replicas too, unless fewer are there
 * ({@link ReplicaWait} counts and logs those); on a Cluster the WAIT goes to the master that took the XADD
 * ({@link ReplicatedWrites}).
 */
public final class RequestSubmitter {

    private final RedisClusterCommands<byte[], byte[]> redis;
    /** The connection's writes, each confirmed by the replicas when the knob is on; empty: {@link #submit} only. */
    private final Optional<ReplicatedWrites> writes;
    private final ReplicaWait durability;
    private final StreamEntries entries;
    private final Keys keys;
    private final int partitions;
    private final XAddArgs trim;

    /** Synchronous submits only ({@link #submit}), without WAIT. */
    public RequestSubmitter(RedisClusterCommands<byte[], byte[]> redis, StreamEntries entries, Keys keys,
                            int partitions, long maxLen) {
        this(redis, Optional.empty(), ReplicaWait.NONE, entries, keys, partitions, maxLen);
    }

    /**
     * @param connection shared by concurrent submits (its auto-flush on)
     * @param durability replicas that must confirm each appended call before it counts as submitted
     */
    public RequestSubmitter(RedisConnection<byte[], byte[]> connection, StreamEntries entries, Keys keys,
                            int partitions, long maxLen, ReplicaWait durability) {
        this(connection.sync(), Optional.of(durability.on(connection)), durability, entries, keys, partitions, maxLen);
    }

    private RequestSubmitter(RedisClusterCommands<byte[], byte[]> redis, Optional<ReplicatedWrites> writes,
                             ReplicaWait durability, StreamEntries entries, Keys keys, int partitions, long maxLen) {
        this.redis = redis;
        this.writes = writes;
        this.durability = durability;
        this.entries = entries;
        this.keys = keys;
        this.partitions = partitions;
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    /** @return the stream entry id */
    public String submit(String pool, ToolRequest request) {
        if (!durability.enabled()) {
            return redis.xadd(streamOf(pool, request), trim, entries.encode(request));
        }
        try {
            return submitAsync(pool, request).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * As {@link #submit}, without waiting: concurrent submits share the connection's socket writes
     * (Lettuce pipelines them), so many callers do not each pay a round trip on a thread of their own.
     * The call is in Redis once the stage completes; with the knob on, one WAIT in flight per node connection covers
     * every call appended there before it (group commit).
     */
    public CompletionStage<String> submitAsync(String pool, ToolRequest request) {
        ReplicatedWrites on = writes.orElseThrow(
                () -> new IllegalStateException("this submitter was built without async commands"));
        byte[] stream = streamOf(pool, request);
        Map<byte[], byte[]> body = entries.encode(request);
        return on.write(stream, commands -> commands.xadd(stream, trim, body), "call " + request.requestId());
    }

    private byte[] streamOf(String pool, ToolRequest request) {
        return keys.requestStream(pool, Keys.partitionOf(request.sessionId(), partitions))
                .getBytes(StandardCharsets.UTF_8);
    }
}
