package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.mcpca.shared.testing.SentinelTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentinels that ask for a password of their own ({@code requirepass} in sentinel.conf; the master and the replica ask
 * for another): Lettuce reads no Sentinel password from a URL, so it comes from {@code mcpca.redis.sentinel.password}
 * ({@link RedisClientSettings.SentinelAuth}). With it the URL reaches the master the Sentinels name; without it the
 * start-up check names the Sentinels' refusal and the setting, at once (a refusal is not waited for).
 */
class RedisSentinelAuthIT {

    private static final String SENTINEL_PASSWORD = "sentinel-secret";
    private static final String DATA_PASSWORD = "data-secret";

    @TempDir
    Path dir;

    @Test
    void sentinelsWithAPasswordAreAskedWithTheSentinelSettingAndRefusalsNameIt() {
        List<String> dataAuth = List.of("requirepass " + DATA_PASSWORD, "masterauth " + DATA_PASSWORD);
        // the Sentinels reach the data nodes with auth-pass; clients reach the Sentinels with another password
        try (SentinelTopology topology = SentinelTopology.start(dir, dataAuth,
                List.of("sentinel auth-pass " + SentinelTopology.MASTER_ID + " " + DATA_PASSWORD),
                Optional.of(SENTINEL_PASSWORD))) {
            String uri = topology.uri().replace("redis-sentinel://", "redis-sentinel://" + DATA_PASSWORD + "@");
            RedisClientSettings withSentinelPassword = new RedisClientSettings(Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(
                    new RedisClientSettings.SentinelAuth(Optional.empty(), SENTINEL_PASSWORD)));
            try (RedisConnections redis = new RedisConnections(uri, withSentinelPassword, Optional.empty());
                 RedisConnection<String, String> c = redis.strings()) {
                RedisStartupCheck.reach(redis, uri, withSentinelPassword);
                c.sync().set("through-sentinel", "yes");
                assertThat(c.sync().get("through-sentinel")).isEqualTo("yes");
            }

            long start = System.nanoTime();
            try (RedisConnections redis = new RedisConnections(uri, RedisClientSettings.NONE, Optional.empty())) {
                assertThatThrownBy(() -> RedisStartupCheck.reach(redis, uri, RedisClientSettings.NONE,
                        Duration.ofSeconds(20)))
                        .hasMessageContaining("mcpca.redis.sentinel.password")
                        .hasMessageNotContaining(DATA_PASSWORD);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSentinelPasswordWithAUrlThatNamesNoSentinelIsRefused() {
        RedisClientSettings settings = new RedisClientSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(new RedisClientSettings.SentinelAuth(Optional.of("u"), "p")));
        assertThatThrownBy(() -> settings.uri("redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mcpca.redis.sentinel.password");
        assertThat(settings.toString()).doesNotContain("=p]").contains("password=***");
        assertThat(settings.uri("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380?sentinelMasterId=m").getSentinels())
                .allSatisfy(s -> {
                    RedisCredentials credentials = s.getCredentialsProvider().resolveCredentials().block();
                    assertThat(credentials.getUsername()).isEqualTo("u");
                    assertThat(new String(credentials.getPassword())).isEqualTo("p");
                });
    }
}
