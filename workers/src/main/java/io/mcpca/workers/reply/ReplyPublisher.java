package io.mcpca.workers.reply;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;

/** Appends replies to the reply stream of the ingress that waits for them, trimmed to a bounded length. */
public final class ReplyPublisher {

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final StreamEntries entries;
    private final XAddArgs trim;

    public ReplyPublisher(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, long maxLen) {
        this.redis = redis;
        this.entries = entries;
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    public void publish(String replyTo, ToolReply reply) {
        redis.xadd(replyTo.getBytes(StandardCharsets.UTF_8), trim, entries.encode(reply));
    }
}
