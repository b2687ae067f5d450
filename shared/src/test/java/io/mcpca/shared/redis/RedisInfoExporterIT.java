package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisCluster;
import io.mcpca.shared.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exporter against a real redis-server: INFO gauges, stream lengths, and no stale value while Redis is down. */
class RedisInfoExporterIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void gaugesReadRedisAndGoBlankWhileItIsDown() {
        Keys keys = new Keys(REDIS.newPrefix());
        AtomicLong now = new AtomicLong();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisInfoExporter exporter = new RedisInfoExporter(redis.strings(), keys, List.of("fast", "heavy"), 2,
                     now::get)) {
            exporter.bindTo(registry);
            var bytes = redis.bytes();
            for (String stream : List.of(keys.requestStream("fast", 0), keys.requestStream("fast", 1),
                    keys.deadLetters("heavy"))) {
                bytes.sync().xadd(stream.getBytes(StandardCharsets.UTF_8), Map.of(new byte[] {1}, new byte[] {2}));
            }

            assertThat(registry.get("mcpca.redis.memory.used").gauge().value()).isGreaterThan(100_000);
            assertThat(registry.get("mcpca.redis.memory.max").gauge().value()).isZero();
            assertThat(registry.get("mcpca.redis.clients.connected").gauge().value()).isGreaterThanOrEqualTo(2);
            assertThat(registry.get("mcpca.redis.master").gauge().value()).isEqualTo(1);
            assertThat(registry.get("mcpca.redis.evicted.keys").functionCounter().count()).isZero();
            assertThat(length(registry, "request", "fast")).isEqualTo(2);
            assertThat(length(registry, "dlq", "heavy")).isEqualTo(1);
            assertThat(length(registry, "request", "heavy")).isZero();
            bytes.close();

            if (REDIS.ownsServer()) {
                REDIS.kill();
                now.addAndGet(RedisInfoExporter.REFRESH.toNanos());
                assertThat(registry.get("mcpca.redis.memory.used").gauge().value()).isNaN();
                assertThat(length(registry, "request", "fast")).isNaN();
                REDIS.restart();
            }
        }
    }

    /**
     * On a 3-master cluster the INFO gauges add up every master (each given its own maxmemory here, so the sum is
     * known), and the request streams' length sums partitions whose slots live on different masters.
     */
    @Test
    void onAClusterTheGaugesAddUpEveryMaster() {
        Keys keys = new Keys("info-cluster");
        try (RedisCluster cluster = RedisCluster.start();
             RedisConnections redis = new RedisConnections(cluster.uri());
             RedisInfoExporter exporter = new RedisInfoExporter(redis.strings(), keys, List.of("fast"), 6,
                     System::nanoTime)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            exporter.bindTo(registry);
            Set<Integer> masters = new TreeSet<>();
            for (int slot : new int[] {0, 8_000, 16_000}) {
                masters.add(cluster.masterOf(slot));
            }
            assertThat(masters).hasSize(3);
            long mib = 1 << 20;
            long expected = 0;
            int n = 1;
            for (int port : masters) {
                try (RedisConnections node = new RedisConnections("redis://127.0.0.1:" + port);
                     var c = node.strings()) {
                    c.sync().configSet("maxmemory", Long.toString(n * 100 * mib));
                }
                expected += n * 100 * mib;
                n++;
            }
            Set<Integer> streamMasters = new TreeSet<>();
            try (var bytes = redis.bytes()) {
                for (int p = 0; p < 6; p++) {
                    String stream = keys.requestStream("fast", p);
                    streamMasters.add(cluster.masterOf(SlotHash.getSlot(stream)));
                    bytes.sync().xadd(stream.getBytes(StandardCharsets.UTF_8), Map.of(new byte[] {1}, new byte[] {2}));
                }
            }

            assertThat(registry.get("mcpca.redis.memory.max").gauge().value()).isEqualTo(expected);
            assertThat(registry.get("mcpca.redis.memory.used").gauge().value()).isGreaterThan(3 * 100_000);
            assertThat(registry.get("mcpca.redis.clients.connected").gauge().value()).isGreaterThanOrEqualTo(3);
            assertThat(registry.get("mcpca.redis.master").gauge().value()).isEqualTo(1);
            assertThat(streamMasters).as("the partitions live on more than one master").hasSizeGreaterThan(1);
            assertThat(length(registry, "request", "fast")).isEqualTo(6);
        }
    }

    private static double length(SimpleMeterRegistry registry, String kind, String pool) {
        return registry.get("mcpca.redis.stream.length").tags("kind", kind, "pool", pool).gauge().value();
    }
}
