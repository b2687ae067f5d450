package io.mcpca.workers.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.reply.LoopReplies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The read loop against a real Redis: a handler that throws never stops it, and a deleted stream/group is recreated. */
class CallConsumerIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aThrowingHandlerDoesNotStopTheLoopAndADeletedStreamIsRecreated() {
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<byte[], byte[]> commands = redis.bytes();
             RedisConnection<byte[], byte[]> blocking = redis.bytes();
             RedisConnection<String, String> strings = redis.strings();
             ClaimRefresher claims = new ClaimRefresher(strings.sync(), "w1", Duration.ofSeconds(30))) {
            ConsumerGroups groups = new ConsumerGroups(commands.sync(), keys, 2);
            Set<String> handled = ConcurrentHashMap.newKeySet();
            EntryHandler handler = (pool, message, delivery) -> {
                // byte[] keys compare by identity, so find the field by content
                String n = message.getBody().entrySet().stream()
                        .filter(e -> java.util.Arrays.equals(e.getKey(), bytes("n")))
                        .map(e -> new String(e.getValue(), StandardCharsets.UTF_8)).findFirst().orElseThrow();
                handled.add(n);
                if (n.startsWith("bad")) {
                    throw new IllegalStateException("handler failure on " + n);
                }
                commands.sync().xack(message.getStream(), bytes(pool), message.getId());
            };
            CallConsumer consumer = new CallConsumer("fast", "w1",
                    new LoopReplies(blocking, new StreamEntries(JacksonCodec.json()), 1000), groups, handler, claims,
                    Executors.newFixedThreadPool(2), 2, Duration.ofMillis(200));
            consumer.start();
            try {
                for (int i = 0; i < 10; i++) {
                    add(commands, keys, i % 2, (i % 3 == 0 ? "bad" : "good") + i);
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> handled.size() == 10);

                commands.sync().del(bytes(keys.requestStream("fast", 0)), bytes(keys.requestStream("fast", 1)));
                add(commands, keys, 0, "after-delete");
                await().atMost(10, TimeUnit.SECONDS).until(() -> handled.contains("after-delete"));
                assertThat(consumer.isRunning()).isTrue();
                assertThat(claims.heldCount()).isZero();
            } finally {
                consumer.stop(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * Entries the handler answers on the loop: each reply leaves with the next read and each entry is
     * acknowledged soon after, although no new entry comes to end the read's block; a stop right after an
     * answer still sends it and leaves nothing pending.
     */
    @Test
    void callsAnsweredOnTheLoopAreRepliedAndAcknowledgedAndAStopLeavesNothingPending() {
        Keys keys = new Keys(REDIS.newPrefix());
        StreamEntries entries = new StreamEntries(JacksonCodec.json());
        String replyStream = keys.prefix() + ":rep:test";
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<byte[], byte[]> commands = redis.bytes();
             RedisConnection<byte[], byte[]> blocking = redis.bytes();
             RedisConnection<String, String> strings = redis.strings();
             ClaimRefresher claims = new ClaimRefresher(strings.sync(), "w1", Duration.ofSeconds(30))) {
            commands.sync().xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(bytes(replyStream), "0"),
                    bytes("keeper"), io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
            ConsumerGroups groups = new ConsumerGroups(commands.sync(), keys, 2);
            LoopReplies loopReplies = new LoopReplies(blocking, entries, 1000);
            EntryHandler handler = new EntryHandler() {
                @Override
                public void handle(String pool, io.lettuce.core.StreamMessage<byte[], byte[]> message, int delivery) {
                    throw new AssertionError("every entry is answered on the loop");
                }

                @Override
                public java.util.List<java.util.Optional<Runnable>> admit(String pool,
                        java.util.List<io.lettuce.core.StreamMessage<byte[], byte[]>> messages) {
                    java.util.List<java.util.Optional<Runnable>> done = new java.util.ArrayList<>();
                    for (io.lettuce.core.StreamMessage<byte[], byte[]> m : messages) {
                        String n = new String(m.getBody().entrySet().stream()
                                .filter(e -> java.util.Arrays.equals(e.getKey(), bytes("n")))
                                .findFirst().orElseThrow().getValue(), StandardCharsets.UTF_8);
                        loopReplies.add(new io.mcpca.workers.reply.ReplyBatcher.Completion(pool, m.getStream(),
                                m.getId(), replyStream, io.mcpca.shared.wire.ToolReply.result(n, io.mcpca.shared.wire.JsonBytes.of("{}"), "w1"),
                                java.util.Optional.empty()));
                        done.add(java.util.Optional.empty());
                    }
                    return done;
                }
            };
            // a read blocks for 5 s when nothing is owed: acknowledgements must not wait for that
            CallConsumer consumer = new CallConsumer("fast", "w1", loopReplies, groups, handler, claims,
                    Executors.newFixedThreadPool(2), 2, Duration.ofSeconds(5));
            consumer.start();
            try {
                for (int i = 0; i < 20; i++) {
                    add(commands, keys, i % 2, "call-" + i);
                }
                await().atMost(3, TimeUnit.SECONDS).until(() -> commands.sync().xlen(bytes(replyStream)) == 20);
                await().atMost(1, TimeUnit.SECONDS).until(() -> pending(commands, keys) == 0);
                add(commands, keys, 0, "last");
                await().atMost(3, TimeUnit.SECONDS).until(() -> commands.sync().xlen(bytes(replyStream)) == 21);
            } finally {
                consumer.stop(Duration.ofSeconds(5));
            }
            assertThat(pending(commands, keys)).isZero();
            java.util.List<String> answered = commands.sync().xrange(bytes(replyStream),
                    io.lettuce.core.Range.create("-", "+")).stream()
                    .map(m -> entries.decodeReply(m.getBody()).requestId()).toList();
            assertThat(answered).hasSize(21).doesNotHaveDuplicates().contains("call-0", "call-19", "last");
        }
    }

    private static long pending(RedisConnection<byte[], byte[]> commands, Keys keys) {
        return commands.sync().xpending(bytes(keys.requestStream("fast", 0)), bytes("fast")).getCount()
                + commands.sync().xpending(bytes(keys.requestStream("fast", 1)), bytes("fast")).getCount();
    }

    private static void add(RedisConnection<byte[], byte[]> commands, Keys keys, int partition, String n) {
        commands.sync().xadd(bytes(keys.requestStream("fast", partition)), Map.of(bytes("n"), bytes(n)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
