package io.mcpca.workers.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.recover.ClaimRefresher;
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
class JobConsumerIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aThrowingHandlerDoesNotStopTheLoopAndADeletedStreamIsRecreated() {
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             StatefulRedisConnection<byte[], byte[]> commands = redis.bytes();
             StatefulRedisConnection<byte[], byte[]> blocking = redis.bytes();
             StatefulRedisConnection<String, String> strings = redis.strings();
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
            JobConsumer consumer = new JobConsumer("fast", "w1", blocking.sync(), groups, handler, claims,
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

    private static void add(StatefulRedisConnection<byte[], byte[]> commands, Keys keys, int partition, String n) {
        commands.sync().xadd(bytes(keys.requestStream("fast", partition)), Map.of(bytes("n"), bytes(n)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
