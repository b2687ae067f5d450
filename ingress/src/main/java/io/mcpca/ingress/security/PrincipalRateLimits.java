package io.mcpca.ingress.security;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Optional;

/**
 * Per-principal call rate limits (Resilience4j RateLimiter, one per principal, {@code permitsPerSecond}
 * refilled each second). A call over the limit is refused at once, never queued, with a hint of how long
 * until the next permit. Principals come from the configured tokens, so the registry stays small.
 */
public final class PrincipalRateLimits {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final RateLimiterRegistry registry;
    private final boolean enabled;

    /** @param permitsPerSecond calls each principal may start per second; 0 or less: unlimited */
    public PrincipalRateLimits(int permitsPerSecond) {
        this.enabled = permitsPerSecond > 0;
        this.registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, permitsPerSecond))
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** The per-principal limiters, for their meters (tagged by principal: bounded by the configured tokens). */
    public RateLimiterRegistry registry() {
        return registry;
    }

    /** Empty when the call may go; else how long to wait before retrying. */
    public Optional<Duration> tryAcquire(String principal) {
        if (!enabled) {
            return Optional.empty();
        }
        RateLimiter limiter = registry.rateLimiter(principal);
        if (limiter.acquirePermission()) {
            return Optional.empty();
        }
        long nanos = limiter instanceof AtomicRateLimiter atomic
                ? atomic.getDetailedMetrics().getNanosToWait() : PERIOD.toNanos();
        return Optional.of(Duration.ofNanos(Math.max(nanos, Duration.ofMillis(1).toNanos())));
    }
}
