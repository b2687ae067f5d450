package io.mcpca.ingress.submit;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Appends a call to the request stream of its pool, on the partition of its session. Once
 * {@link #submit} returns, the call is in Redis and will be answered (at-least-once execution).
 */
public final class RequestSubmitter {

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final Optional<RedisStreamAsyncCommands<byte[], byte[]>> async;
    private final StreamEntries entries;
    private final Keys keys;
    private final int partitions;
    private final XAddArgs trim;

    public RequestSubmitter(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, Keys keys,
                            int partitions, long maxLen) {
        this(redis, Optional.empty(), entries, keys, partitions, maxLen);
    }

    /** @param async the same connection's async commands, for {@link #submitAsync} */
    public RequestSubmitter(RedisStreamCommands<byte[], byte[]> redis,
                            Optional<RedisStreamAsyncCommands<byte[], byte[]>> async, StreamEntries entries, Keys keys,
                            int partitions, long maxLen) {
        this.redis = redis;
        this.async = async;
        this.entries = entries;
        this.keys = keys;
        this.partitions = partitions;
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    /** @return the stream entry id */
    public String submit(String pool, ToolRequest request) {
        return redis.xadd(streamOf(pool, request), trim, entries.encode(request));
    }

    /**
     * As {@link #submit}, without waiting: concurrent submits share the connection's socket writes
     * (Lettuce pipelines them), so many callers do not each pay a round trip on a thread of their own.
     * The call is in Redis once the stage completes.
     */
    public CompletionStage<String> submitAsync(String pool, ToolRequest request) {
        RedisStreamAsyncCommands<byte[], byte[]> commands = async.orElseThrow(
                () -> new IllegalStateException("this submitter was built without async commands"));
        return commands.xadd(streamOf(pool, request), trim, entries.encode(request));
    }

    private byte[] streamOf(String pool, ToolRequest request) {
        return keys.requestStream(pool, Keys.partitionOf(request.sessionId(), partitions))
                .getBytes(StandardCharsets.UTF_8);
    }
}
