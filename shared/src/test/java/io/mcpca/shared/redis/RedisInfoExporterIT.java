package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    private static double length(SimpleMeterRegistry registry, String kind, String pool) {
        return registry.get("mcpca.redis.stream.length").tags("kind", kind, "pool", pool).gauge().value();
    }
}
