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

    /**
     * Batch priority (decision 036): with 20 items waiting in each lane (low queued first, then high, then normal) and
     * one slot, the first read takes one item of each lane; from then on the high lane is read alone until it is
     * empty, then the normal lane, then the low one. Read as equal shares (every lane in every read, as before), the
     * items would alternate and the last high item would run after the second low one.
     */
    @Test
    void higherPriorityBatchLanesAreReadFirstWhileTheyHaveABacklog() {
        java.util.List<String> order = handledInOrder(60, 0, Executors.newFixedThreadPool(1), (keys, commands) -> {
            for (String lane : java.util.List.of("L", "H", "N")) {
                int priority = lane.equals("L") ? 0 : lane.equals("H") ? 9 : 5;
                for (int i = 0; i < 20; i++) {
                    commands.sync().xadd(bytes(keys.batchRequestStream("fast", priority)),
                            Map.of(bytes("n"), bytes(lane + i)));
                }
            }
        }, (n, keys, commands) -> { });
        java.util.List<String> expected = new java.util.ArrayList<>(java.util.List.of("H0", "N0", "L0"));
        java.util.stream.IntStream.range(1, 20).forEach(i -> expected.add("H" + i));
        expected.addAll(java.util.List.of("N1", "L1"));
        java.util.stream.IntStream.range(2, 20).forEach(i -> expected.add("N" + i));
        java.util.stream.IntStream.range(2, 20).forEach(i -> expected.add("L" + i));
        assertThat(order).containsExactlyElementsOf(expected);
    }

    /**
     * Batch read-ahead (decision 036): with a batch backlog and read-ahead 8, one slot's thread has batch items queued
     * beside it; an interactive call appended meanwhile is read by the next read and starts before every batch item
     * still waiting (the queue ranks it first), so it waits only for the item running. In a FIFO queue it would wait
     * behind the ~8 read ahead.
     */
    @Test
    void anInteractiveCallStartsBeforeBatchItemsReadAhead() {
        java.util.List<String> order = handledInOrder(41, 8, CallConsumer.callThreads("fast", 1), (keys, commands) -> {
            for (int i = 0; i < 40; i++) {
                commands.sync().xadd(bytes(keys.batchRequestStream("fast")), Map.of(bytes("n"), bytes("B" + i)));
            }
        }, (n, keys, commands) -> {
            if (n.equals("B5")) {
                add(commands, keys, 0, "interactive");
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // appended while B5 ran: the next read (after B5) takes it, and it runs next, or after one more item
        assertThat(order.indexOf("interactive")).isBetween(6, 7);
        assertThat(order).filteredOn(n -> n.startsWith("B")).hasSize(40).doesNotHaveDuplicates();
    }

    /** What the test's handler does with an entry named {@code n} before acknowledging it. */
    private interface OnEntry {
        void handle(String n, Keys keys, RedisConnection<byte[], byte[]> commands);
    }

    /**
     * The entries' names in the order a one-slot consumer of pool fast on {@code threads} (with {@code readAhead})
     * handled them, once {@code expected} were handled; {@code fill} queues them first.
     */
    private static java.util.List<String> handledInOrder(int expected, int readAhead,
            java.util.concurrent.ExecutorService threads,
            java.util.function.BiConsumer<Keys, RedisConnection<byte[], byte[]>> fill, OnEntry onEntry) {
        Keys keys = new Keys(REDIS.newPrefix());
        RedisConnections redis = new RedisConnections(REDIS.uri());
        try (redis) {
            RedisConnection<byte[], byte[]> commands = redis.bytes();
            ClaimRefresher claims = new ClaimRefresher(redis.strings().sync(), "w1", Duration.ofSeconds(30));
            ConsumerGroups groups = new ConsumerGroups(commands.sync(), keys, 2);
            groups.ensure("fast");
            fill.accept(keys, commands);
            java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            EntryHandler handler = (pool, message, delivery) -> {
                String n = new String(message.getBody().entrySet().stream()
                        .filter(e -> java.util.Arrays.equals(e.getKey(), bytes("n"))).findFirst().orElseThrow()
                        .getValue(), StandardCharsets.UTF_8);
                order.add(n);
                onEntry.handle(n, keys, commands);
                commands.sync().xack(message.getStream(), bytes(pool), message.getId());
            };
            CallConsumer consumer = new CallConsumer("fast", "w1",
                    new LoopReplies(redis.bytes(), new StreamEntries(JacksonCodec.json()), 1000), groups, handler,
                    claims, threads, 1, Duration.ofMillis(200));
            consumer.setBatchReadAhead(readAhead);
            consumer.start();
            try {
                await().atMost(20, TimeUnit.SECONDS).until(() -> order.size() == expected);
            } finally {
                consumer.stop(Duration.ofSeconds(5));
                claims.close();
            }
            return java.util.List.copyOf(order);
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
