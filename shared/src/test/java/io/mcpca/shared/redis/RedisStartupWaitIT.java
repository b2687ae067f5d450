package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.testing.RedisNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpca.redis.startup-wait} against a real redis-server: a Redis that comes up while a process starts is
 * waited for; one that stays away stops the start after the wait with the cause and the time asked; a refusal (here
 * a password the URL lacks) stops it at once, however long the wait.
 */
class RedisStartupWaitIT {

    @TempDir
    Path dir;

    private static long millisOf(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void reach(String uri, Duration wait) {
        try (RedisConnections redis = new RedisConnections(uri, RedisClientSettings.NONE, Optional.empty())) {
            RedisStartupCheck.reach(redis, uri, RedisClientSettings.NONE, wait);
        }
    }

    @Test
    void aRedisThatStartsWhileTheProcessWaitsIsUsed() {
        try (RedisNode node = RedisNode.server(dir, "late", List.of())) {
            node.kill();
            String uri = "redis://127.0.0.1:" + node.port();
            CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
                sleep(2_500);
                node.start();
            });
            long millis = millisOf(() -> reach(uri, Duration.ofSeconds(20)));
            late.join();
            assertThat(millis).as("waited for the late Redis").isBetween(2_000L, 15_000L);
        }
    }

    @Test
    void aRedisThatStaysAwayStopsTheStartAfterTheWait() {
        String uri;
        try (RedisNode node = RedisNode.server(dir, "gone", List.of())) {
            uri = "redis://127.0.0.1:" + node.port();
        }
        String where = uri;
        long millis = millisOf(() -> assertThatThrownBy(() -> reach(where, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Redis at " + where + " cannot be reached: ")
                .hasMessageContaining("mcpca.redis.startup-wait=PT3S"));
        assertThat(millis).isBetween(2_000L, 10_000L);
    }

    @Test
    void aRefusalStopsTheStartAtOnce() {
        try (RedisNode node = RedisNode.server(dir, "locked", List.of("requirepass s3cret"))) {
            String uri = "redis://127.0.0.1:" + node.port();
            long millis = millisOf(() -> assertThatThrownBy(() -> reach(uri, Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Redis at " + uri + " refused the user of the URL: NOAUTH"));
            assertThat(millis).as("no wait for a refusal").isLessThan(5_000L);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
