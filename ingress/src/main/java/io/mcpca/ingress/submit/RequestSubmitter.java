package io.mcpca.ingress.submit;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Appends a call to the request stream of its pool, on the partition of its session. Once
 * {@link #submit} returns, the call is in Redis and will be answered (at-least-once execution); with
 * {@code mcpca.redis.wait-replicas} set, it is on that many replicas too, unless fewer are there
 * ({@link ReplicaWait} counts and logs those).
 */
public final class RequestSubmitter {

    private final RedisClusterCommands<byte[], byte[]> redis;
    private final Optional<RedisClusterAsyncCommands<byte[], byte[]>> async;
    private final StreamEntries entries;
    private final Keys keys;
    private final int partitions;
    private final XAddArgs trim;
    private final ReplicaWait durability;
    private final Optional<ReplicaWait.Barrier> replicated;

    public RequestSubmitter(RedisClusterCommands<byte[], byte[]> redis, StreamEntries entries, Keys keys,
                            int partitions, long maxLen) {
        this(redis, Optional.empty(), entries, keys, partitions, maxLen);
    }

    /** @param async the same connection's async commands, for {@link #submitAsync} */
    public RequestSubmitter(RedisClusterCommands<byte[], byte[]> redis,
                            Optional<RedisClusterAsyncCommands<byte[], byte[]>> async,
                            StreamEntries entries, Keys keys, int partitions, long maxLen) {
        this(redis, async, entries, keys, partitions, maxLen, ReplicaWait.NONE);
    }

    /** @param durability replicas that must confirm each appended call before it counts as submitted */
    public RequestSubmitter(RedisClusterCommands<byte[], byte[]> redis,
                            Optional<RedisClusterAsyncCommands<byte[], byte[]>> async,
                            StreamEntries entries, Keys keys, int partitions, long maxLen, ReplicaWait durability) {
        this.durability = durability;
        this.replicated = async.map(durability::barrier);
        this.redis = redis;
        this.async = async;
        this.entries = entries;
        this.keys = keys;
        this.partitions = partitions;
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    /** @return the stream entry id */
    public String submit(String pool, ToolRequest request) {
        String id = redis.xadd(streamOf(pool, request), trim, entries.encode(request));
        durability.confirm(redis, "call " + request.requestId());
        return id;
    }

    /**
     * As {@link #submit}, without waiting: concurrent submits share the connection's socket writes
     * (Lettuce pipelines them), so many callers do not each pay a round trip on a thread of their own.
     * The call is in Redis once the stage completes.
     */
    public CompletionStage<String> submitAsync(String pool, ToolRequest request) {
        RedisClusterAsyncCommands<byte[], byte[]> commands = async.orElseThrow(
                () -> new IllegalStateException("this submitter was built without async commands"));
        CompletionStage<String> appended = commands.xadd(streamOf(pool, request), trim, entries.encode(request));
        if (!durability.enabled()) {
            return appended;
        }
        // one WAIT in flight on the shared connection covers every call appended before it (group commit)
        return appended.thenCompose(id -> replicated.orElseThrow().after("call " + request.requestId())
                .thenApply(ignored -> id));
    }

    private byte[] streamOf(String pool, ToolRequest request) {
        return keys.requestStream(pool, Keys.partitionOf(request.sessionId(), partitions))
                .getBytes(StandardCharsets.UTF_8);
    }
}
