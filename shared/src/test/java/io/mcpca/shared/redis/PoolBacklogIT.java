package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one backlog measurement: lag and pending of a pool's group over its partitions, on real Redis 7. */
class PoolBacklogIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lagAndPendingAreSummedOverPartitionsAndApart() {
        Keys keys = new Keys(REDIS.newPrefix());
        AtomicLong now = new AtomicLong();
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<byte[], byte[]> connection = redis.bytes()) {
            var commands = connection.sync();
            PoolBacklog backlog = new PoolBacklog(commands, keys, 2, now::get);
            assertThat(backlog.backlog("fast")).isEqualTo(PoolBacklog.Backlog.NONE); // no streams yet

            for (int n = 0; n < 2; n++) {
                byte[] stream = bytes(keys.requestStream("fast", n));
                commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), bytes("fast"),
                        XGroupCreateArgs.Builder.mkstream());
                for (int i = 0; i < 3; i++) {
                    commands.xadd(stream, Map.of(bytes("f"), bytes("v")));
                }
            }
            // one consumer takes two entries of partition 0: pending 2, lag 3 + 1
            commands.xreadgroup(Consumer.from(bytes("fast"), bytes("w")), XReadArgs.Builder.count(2),
                    XReadArgs.StreamOffset.lastConsumed(bytes(keys.requestStream("fast", 0))));

            now.addAndGet(PoolBacklog.REFRESH.toNanos()); // the empty reading above is too old now
            assertThat(backlog.backlog("fast")).isEqualTo(new PoolBacklog.Backlog(4, 2));
            assertThat(backlog.of("fast")).isEqualTo(6);
            assertThat(backlog.backlog("heavy")).isEqualTo(PoolBacklog.Backlog.NONE);
        }
    }
}
