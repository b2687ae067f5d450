package io.mcpca.workers.reply;

import static io.mcpca.workers.reply.ReplyTestStreams.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reply batcher on a real Redis: a call thread whose lane is idle sends its own reply and acknowledges its
 * entry before {@code complete} returns (no flusher wake-up, decision 019); a read loop's thread never sends (its
 * completion is left to the flusher); completions from many threads at once are each answered exactly once and
 * every entry acknowledged after its reply.
 */
class ReplyBatcherIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final StreamEntries ENTRIES = ReplyTestStreams.ENTRIES;
    private static final byte[] GROUP = ReplyTestStreams.GROUP;
    private static final Consumer<byte[]> ME = ReplyTestStreams.ME;

    private String requests;
    private String replies;
    private RedisConnections redis;
    private ReplyTestStreams streams;
    private RedisClusterCommands<byte[], byte[]> check;
    private ReplyBatcher batcher;

    @BeforeEach
    void streams() {
        String prefix = REDIS.newPrefix();
        redis = new RedisConnections(REDIS.uri());
        streams = new ReplyTestStreams(prefix, redis);
        requests = streams.requests;
        replies = streams.replies;
        check = streams.check;
        Keys keys = new Keys(prefix);
        RedisClusterCommands<String, String> strings = redis.strings().sync();
        batcher = new ReplyBatcher(redis.bytes(), redis.strings(), ENTRIES,
                new ExecutionStore(strings, keys, Duration.ofMinutes(1), Clock.systemUTC()),
                new CallFinish(strings, keys, Duration.ofMinutes(1), 64 * 1024, Clock.systemUTC()), "w1", 10_000);
        batcher.start();
    }

    @AfterEach
    void close() {
        batcher.close();
        redis.close();
    }

    @Test
    void aCallThreadOnAnIdleLaneSendsItsOwnReplyBeforeCompleteReturnsAndAwaitIdleWaitsForItsXack() {
        StreamMessage<byte[], byte[]> entry = readOne();

        batcher.complete(streams.completion(entry, "call-1"));

        // no wait: the calling thread sent the reply, saw it confirmed and sent the XACK (not waiting for it)
        assertThat(streams.decodedReplies()).containsExactly("call-1");
        assertThat(batcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(streams.pending()).isZero();
    }

    @Test
    void aReadLoopsCompletionIsSentByTheFlusherNotOnTheLoop() throws Exception {
        StreamMessage<byte[], byte[]> entry = readOne();
        List<Long> repliesWhenReturned = new ArrayList<>();
        // Redis holds every write for a while: a thread that sent the reply itself would wait in complete() until
        // the pause ends and see its reply written; a thread that handed it over returns at once, before it is
        clientPause("PAUSE", "10000", "WRITE");
        try {
            Thread loop = new Thread(() -> {
                batcher.handOffFrom(Thread.currentThread());
                batcher.complete(streams.completion(entry, "call-2"));
                repliesWhenReturned.add(check.xlen(bytes(replies)));
            });
            loop.start();
            loop.join(30_000);
        } finally {
            clientPause("UNPAUSE");
        }
        assertThat(repliesWhenReturned).containsExactly(0L);
        assertThat(batcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(streams.decodedReplies()).containsExactly("call-2");
        assertThat(streams.pending()).isZero();
    }

    @Test
    void completionsFromManyThreadsAreEachAnsweredOnceAndAcknowledged() throws Exception {
        int calls = 400;
        IntStream.range(0, calls).forEach(i -> check.xadd(bytes(requests), Map.of(bytes("n"), bytes("" + i))));
        List<StreamMessage<byte[], byte[]>> entries = check.xreadgroup(ME, XReadArgs.Builder.count(calls),
                StreamOffset.lastConsumed(bytes(requests)));
        assertThat(entries).hasSize(calls);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < calls; i++) {
                StreamMessage<byte[], byte[]> entry = entries.get(i);
                String id = "call-" + i;
                threads.execute(() -> batcher.complete(streams.completion(entry, id)));
            }
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(batcher.awaitIdle(Duration.ofSeconds(10))).isTrue();

        assertThat(streams.decodedReplies()).hasSize(calls).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, calls).mapToObj(i -> "call-" + i).toList());
        assertThat(streams.pending()).isZero();
    }

    private void clientPause(String... args) {
        CommandArgs<String, String> command = new CommandArgs<>(StringCodec.UTF8);
        for (String a : args) {
            command.add(a);
        }
        redis.strings().sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), command);
    }

    private StreamMessage<byte[], byte[]> readOne() {
        check.xadd(bytes(requests), Map.of(bytes("n"), bytes("1")));
        List<StreamMessage<byte[], byte[]>> read = check.xreadgroup(ME, XReadArgs.Builder.count(1),
                StreamOffset.lastConsumed(bytes(requests)));
        assertThat(read).hasSize(1);
        assertThat(streams.pending()).isEqualTo(1);
        return read.get(0);
    }
}
