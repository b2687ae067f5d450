package io.mcpca.workers.reply;

import static io.mcpca.workers.reply.ReplyTestStreams.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read loop's own replies on a real Redis: a reply leaves with the next read, its entry is acknowledged
 * only with the read after that (once Redis confirmed the reply), a refused reply leaves its entry pending,
 * the read blocks briefly while acknowledgements are owed, and a drain sends everything left.
 */
class LoopRepliesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final StreamEntries ENTRIES = ReplyTestStreams.ENTRIES;
    private static final byte[] GROUP = ReplyTestStreams.GROUP;
    private static final Consumer<byte[]> ME = ReplyTestStreams.ME;

    private String requests;
    private String replies;
    private RedisConnections redis;
    private ReplyTestStreams streams;
    /** Checks from the side, on a connection of its own. */
    private RedisClusterCommands<byte[], byte[]> check;
    private LoopReplies replyLoop;

    @BeforeEach
    void streams() {
        String prefix = REDIS.newPrefix();
        redis = new RedisConnections(REDIS.uri());
        streams = new ReplyTestStreams(prefix, redis);
        requests = streams.requests;
        replies = streams.replies;
        check = streams.check;
        replyLoop = new LoopReplies(redis.bytes(), ENTRIES, 1000);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void aReplyLeavesWithTheNextReadAndItsEntryIsAcknowledgedWithTheOneAfter() throws Exception {
        check.xadd(bytes(requests), Map.of(bytes("n"), bytes("1")));
        List<StreamMessage<byte[], byte[]>> first = read(replyLoop, Duration.ofSeconds(1));
        assertThat(first).hasSize(1);
        assertThat(replyLoop.blockFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));

        replyLoop.add(streams.completion(first.get(0), "call-1"));
        assertThat(replyLoop.blockFor(Duration.ofSeconds(1))).isEqualTo(LoopReplies.ACK_WITHIN);
        assertThat(check.xlen(bytes(replies))).isZero(); // nothing leaves before the next read
        assertThat(read(replyLoop, replyLoop.blockFor(Duration.ofSeconds(1)))).isEmpty();
        assertThat(streams.decodedReplies()).containsExactly("call-1");
        assertThat(streams.pending()).isEqualTo(1); // the reply is confirmed, its XACK is owed
        assertThat(replyLoop.blockFor(Duration.ofSeconds(1))).isEqualTo(LoopReplies.ACK_WITHIN);

        read(replyLoop, replyLoop.blockFor(Duration.ofSeconds(1)));
        assertThat(streams.pending()).isZero();
        assertThat(replyLoop.blockFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRefusedReplyLeavesItsEntryPendingAndOthersAreAcknowledged() throws Exception {
        List<StreamMessage<byte[], byte[]>> read = twoAnsweredTheSecondRefused();

        read(replyLoop, Duration.ofMillis(10));
        read(replyLoop, Duration.ofMillis(10));
        assertThat(streams.decodedReplies()).containsExactly("good");
        io.lettuce.core.models.stream.PendingMessages pending = check.xpending(bytes(requests), GROUP);
        assertThat(pending.getCount()).isEqualTo(1L);
        assertThat(pending.getMessageIds().getLower().getValue()).isEqualTo(read.get(1).getId());
    }

    @Test
    void aDrainSendsTheRepliesAndAcknowledgementsLeft() throws Exception {
        for (int i = 0; i < 3; i++) {
            check.xadd(bytes(requests), Map.of(bytes("n"), bytes(Integer.toString(i))));
        }
        List<StreamMessage<byte[], byte[]>> read = read(replyLoop, Duration.ofSeconds(1));
        assertThat(read).hasSize(3);
        replyLoop.add(streams.completion(read.get(0), "a"));
        read(replyLoop, Duration.ofMillis(10)); // "a" sent and confirmed, its XACK owed
        replyLoop.add(streams.completion(read.get(1), "b"));
        replyLoop.add(streams.completion(read.get(2), "c"));

        Thread.currentThread().interrupt(); // as the stop interrupts the loop: the drain still goes out
        assertThat(replyLoop.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(streams.decodedReplies()).containsExactly("a", "b", "c");
        assertThat(streams.pending()).isZero();
    }

    @Test
    void aDrainWithARefusedReplySaysSoAndLeavesItsEntryPending() throws Exception {
        twoAnsweredTheSecondRefused();

        assertThat(replyLoop.drain(Duration.ofSeconds(5))).isFalse();
        assertThat(streams.decodedReplies()).containsExactly("good");
        assertThat(streams.pending()).isEqualTo(1); // the refused one, for a reclaim
    }

    @Test
    void onlyPlainRepliesGoThroughTheLoop() {
        assertThatThrownBy(() -> replyLoop.add(new ReplyBatcher.Completion("fast", bytes(requests), "1-1", replies,
                ToolReply.result("x", JsonBytes.of("{}"), "w1"), Optional.of(new ReplyBatcher.Transition("s", "x",
                io.mcpca.shared.exec.ExecutionState.SUCCEEDED, ""))))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Two entries read and answered: "good", and "refused", whose reply key is no stream (WRONGTYPE). */
    private List<StreamMessage<byte[], byte[]>> twoAnsweredTheSecondRefused() throws Exception {
        String broken = replies + "-not-a-stream";
        check.set(bytes(broken), bytes("x"));
        check.xadd(bytes(requests), Map.of(bytes("n"), bytes("1")));
        check.xadd(bytes(requests), Map.of(bytes("n"), bytes("2")));
        List<StreamMessage<byte[], byte[]>> read = read(replyLoop, Duration.ofSeconds(1));
        assertThat(read).hasSize(2);
        replyLoop.add(streams.completion(read.get(0), "good"));
        replyLoop.add(new ReplyBatcher.Completion("fast", read.get(1).getStream(), read.get(1).getId(), broken,
                ToolReply.result("refused", JsonBytes.of("{}"), "w1"), Optional.empty()));
        return read;
    }

    @SuppressWarnings("unchecked")
    private List<StreamMessage<byte[], byte[]>> read(LoopReplies replyLoop, Duration block) throws Exception {
        return replyLoop.read(ME, XReadArgs.Builder.block(block.toMillis()).count(16), block,
                StreamOffset.lastConsumed(bytes(requests)));
    }
}
