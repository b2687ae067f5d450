package io.mcpca.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.SslVerifyMode;
import io.mcpca.shared.redis.RedisClientSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands read what a production Redis needs beyond the URL from the environment variables the server
 * binds ({@code MCPCA_REDIS_*}), by the same rules, and refuse malformed ones with the setting's name.
 */
class RedisOptionsTest {

    @TempDir
    Path dir;

    private static RedisOptions options(Map<String, String> env) {
        return RedisOptions.parse(new String[] {"--prefix", "p"}, 0, Set.of(), env);
    }

    @Test
    void tlsFilesAndTheSentinelPasswordComeFromTheServersEnvironmentVariables() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not parsed here");
        RedisClientSettings settings = options(Map.of("MCPCA_REDIS_TLS_CA_FILE", ca.toString(),
                "MCPCA_REDIS_TLS_VERIFY_PEER", "CA", "MCPCA_REDIS_SENTINEL_USERNAME", "watcher",
                "MCPCA_REDIS_SENTINEL_PASSWORD", "s3cret", "REDIS_URL", "redis-sentinel://h:26379?sentinelMasterId=m"))
                .settings();
        assertThat(settings.caFile()).contains(ca);
        assertThat(settings.verifyPeer()).contains(SslVerifyMode.CA);
        assertThat(settings.sentinelAuth()).contains(
                new RedisClientSettings.SentinelAuth(Optional.of("watcher"), "s3cret"));
    }

    @Test
    void noVariablesMeanNothingBeyondTheUrl() {
        assertThat(options(Map.of()).settings()).isEqualTo(RedisClientSettings.NONE);
    }

    @Test
    void malformedVariablesAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> options(Map.of("MCPCA_REDIS_TLS_VERIFY_PEER", "SOMETIMES")).settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mcpca.redis.tls.verify-peer");
        assertThatThrownBy(() -> options(Map.of("MCPCA_REDIS_SENTINEL_USERNAME", "watcher")).settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mcpca.redis.sentinel.password");
        assertThatThrownBy(() -> options(Map.of("MCPCA_REDIS_TLS_CA_FILE", dir.resolve("missing.pem").toString()))
                .settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }
}
