package io.mcpca.ingress.submit;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;

/**
 * Appends a call to the request stream of its pool, on the partition of its session. Once
 * {@link #submit} returns, the call is in Redis and will be answered (at-least-once execution).
 */
public final class RequestSubmitter {

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final StreamEntries entries;
    private final Keys keys;
    private final int partitions;
    private final XAddArgs trim;

    public RequestSubmitter(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, Keys keys,
                            int partitions, long maxLen) {
        this.redis = redis;
        this.entries = entries;
        this.keys = keys;
        this.partitions = partitions;
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    /** @return the stream entry id */
    public String submit(String pool, ToolRequest request) {
        String stream = keys.requestStream(pool, Keys.partitionOf(request.sessionId(), partitions));
        return redis.xadd(stream.getBytes(StandardCharsets.UTF_8), trim, entries.encode(request));
    }
}
