package io.mcpca.workers.reply;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;

/**
 * Appends a reply (progress, or a final reply off the batched path) to the reply stream of the ingress
 * that waits for it, trimmed to a bounded length. {@code NOMKSTREAM}: the ingress creates its stream and
 * keeps it alive with an expiry; a late reply to an ingress that died must not create the stream again
 * without one (it would never be deleted).
 */
public final class ReplyPublisher {

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final StreamEntries entries;
    private final XAddArgs args;

    public ReplyPublisher(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, long maxLen) {
        this.redis = redis;
        this.entries = entries;
        this.args = replyArgs(maxLen);
    }

    /** XADD arguments of every reply: MAXLEN ~ maxLen, NOMKSTREAM. */
    static XAddArgs replyArgs(long maxLen) {
        return XAddArgs.Builder.maxlen(maxLen).approximateTrimming().nomkstream();
    }

    public void publish(String replyTo, ToolReply reply) {
        redis.xadd(replyTo.getBytes(StandardCharsets.UTF_8), args, entries.encode(reply));
    }
}
