package io.mcpca.app.observe;

import io.mcpca.shared.redis.RedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Redis as this process sees it: a {@code PING} on a connection cut from the process's own Lettuce client (same
 * URI, TLS, reconnect policy as the pipeline's), answered within {@link #TIMEOUT}. While Redis is down the
 * client refuses commands at once (see RedisConnections), so the check is fast both ways. Why not
 * spring-data-redis's indicator: docs/decisions/012-health-and-metrics-of-every-process.md.
 */
public final class RedisHealthIndicator implements HealthIndicator, AutoCloseable {

    /** A loopback or LAN PING answers in well under a millisecond; a second is a Redis in trouble. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final RedisConnection<String, String> connection;

    public RedisHealthIndicator(RedisConnection<String, String> connection) {
        this.connection = connection;
    }

    @Override
    public Health health() {
        try {
            String answer = connection.async().ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return "PONG".equals(answer) ? Health.up().build() : Health.down().withDetail("answer", answer).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        } catch (Exception e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
