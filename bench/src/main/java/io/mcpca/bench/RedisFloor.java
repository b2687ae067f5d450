package io.mcpca.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The raw Redis floor under the pipeline: each loop issues the pipeline's Redis commands for one call
 * at a time (XADD request, XREADGROUP, XADD reply, XACK, XREAD reply) directly with Lettuce, on a
 * request stream of its own, with a client connection and a worker connection (a blocking read must
 * not stall the other side). Nothing else: no codec, no lock, no analyzer.
 */
final class RedisFloor {

    private RedisFloor() {
    }

    /** Runs {@code calls} round trips over {@code loops} loops; returns round trips per second. */
    static double run(RedisConnections redis, int calls, int loops, Stats latencies) throws Exception {
        String prefix = "floor-" + UUID.randomUUID().toString().substring(0, 8);
        return ConcurrentLoops.run(loops, calls, (id, nextCall) -> {
            String request = prefix + ":req:" + id;
            String reply = prefix + ":reply:" + id;
            try (RedisConnection<String, String> client = redis.strings();
                 RedisConnection<String, String> worker = redis.strings()) {
                RedisClusterCommands<String, String> c = client.sync();
                RedisClusterCommands<String, String> w = worker.sync();
                try {
                    w.xgroupCreate(StreamOffset.from(request, "0"), "g", XGroupCreateArgs.Builder.mkstream());
                } catch (RedisBusyException exists) {
                    // fine
                }
                Consumer<String> consumer = Consumer.from("g", "w" + id);
                String lastReply = "0-0";
                while (nextCall.getAsBoolean()) {
                    long begin = System.nanoTime();
                    c.xadd(request, Map.of("d", "ping"));
                    List<StreamMessage<String, String>> got = w.xreadgroup(consumer,
                            XReadArgs.Builder.count(1).block(Duration.ofSeconds(1)), StreamOffset.lastConsumed(request));
                    for (StreamMessage<String, String> m : got) {
                        w.xadd(reply, Map.of("d", "pong"));
                        w.xack(request, "g", m.getId());
                    }
                    List<StreamMessage<String, String>> answer = c.xread(
                            XReadArgs.Builder.count(1).block(Duration.ofSeconds(1)), StreamOffset.from(reply, lastReply));
                    if (!answer.isEmpty()) {
                        lastReply = answer.get(answer.size() - 1).getId();
                    }
                    latencies.add(System.nanoTime() - begin);
                }
                c.del(request, reply);
            }
        });
    }
}
