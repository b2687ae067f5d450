package io.mcpca.workers.reply;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The streams the reply tests work on, under a test's own prefix: a request stream with the pool's group (read by
 * consumer {@code w1}) and an ingress's reply stream (with the keeper group, as the ingress creates it), and checks
 * from the side on a connection of their own.
 */
final class ReplyTestStreams {

    static final StreamEntries ENTRIES = new StreamEntries(JacksonCodec.json());
    static final byte[] GROUP = bytes("fast");
    static final Consumer<byte[]> ME = Consumer.from(GROUP, bytes("w1"));

    final String requests;
    final String replies;
    final RedisClusterCommands<byte[], byte[]> check;

    ReplyTestStreams(String prefix, RedisConnections redis) {
        requests = prefix + ":req:{fast.0}";
        replies = prefix + ":rep:ingress-1";
        check = redis.bytes().sync();
        check.xgroupCreate(StreamOffset.from(bytes(requests), "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        check.xgroupCreate(StreamOffset.from(bytes(replies), "0"), bytes("keeper"), XGroupCreateArgs.Builder.mkstream());
    }

    /** A plain answer to {@code entry}, a small JSON result, to this test's reply stream. */
    ReplyBatcher.Completion completion(StreamMessage<byte[], byte[]> entry, String requestId) {
        return new ReplyBatcher.Completion("fast", entry.getStream(), entry.getId(), replies,
                ToolReply.result(requestId, JsonBytes.of("{\"ok\":true}"), "w1"), Optional.empty());
    }

    /** The request ids of the replies written, in stream order. */
    List<String> decodedReplies() {
        return check.xrange(bytes(replies), io.lettuce.core.Range.create("-", "+")).stream()
                .map(m -> ENTRIES.decodeReply(m.getBody()).requestId()).toList();
    }

    /** Entries read and not yet acknowledged. */
    long pending() {
        return check.xpending(bytes(requests), GROUP).getCount();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
