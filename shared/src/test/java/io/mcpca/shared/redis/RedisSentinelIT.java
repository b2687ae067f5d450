package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.SentinelTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel URL as Lettuce reads it ({@code redis-sentinel://host:port,host:port,...?sentinelMasterId=NAME}) through
 * {@link RedisConnections}: the connection reaches the master the Sentinels name, a write on it reaches the replica
 * ({@link ReplicaWait} counts it), and after the master is killed the same connection reconnects to the promoted
 * replica by itself and finds the replicated data there.
 */
class RedisSentinelIT {

    @TempDir
    Path dir;

    @Test
    void aSentinelUrlFollowsTheMasterThroughAFailover() throws Exception {
        try (SentinelTopology topology = SentinelTopology.start(dir);
             RedisConnections redis = new RedisConnections(topology.uri(), Optional.empty());
             RedisConnection<String, String> c = redis.strings()) {
            RedisStartupCheck.reach(redis, topology.uri(), RedisClientSettings.NONE);
            c.sync().set("before-failover", "kept");
            new ReplicaWait(1, Duration.ofSeconds(5)).confirm(c.sync(), "the write");
            long killed = System.nanoTime();
            topology.killMaster();
            Duration promotion = topology.awaitPromotion(Duration.ofSeconds(30));
            String value = null;
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (value == null && System.nanoTime() < until) {
                try {
                    value = c.sync().get("before-failover");
                } catch (RuntimeException reconnecting) {
                    Thread.sleep(50);
                }
            }
            System.err.printf("sentinel: promotion seen after %d ms, the connection answered again after %d ms%n",
                    promotion.toMillis(), (System.nanoTime() - killed) / 1_000_000);
            assertThat(value).isEqualTo("kept");
            assertThat(topology.masterReplication()).containsEntry("role", "master");
        }
    }
}
