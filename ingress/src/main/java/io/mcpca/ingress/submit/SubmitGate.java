package io.mcpca.ingress.submit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.mcpca.shared.redis.PoolBacklog;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;

/**
 * The ingress's way into Redis, guarded: 1. backpressure: when the pool's backlog (lag + pending) is
 * past its limit the call is refused with a retryable OVERLOADED, before anything is appended;
 * 2. the XADD itself; 3. both run inside a circuit breaker, so while Redis is unreachable calls are
 * refused at once with a retryable UNAVAILABLE (or run locally, see the ingress's local fallback)
 * instead of each waiting for a connect timeout. After {@code openFor} the breaker lets a few trial
 * calls through; when they succeed, calls flow through Redis again.
 */
public final class SubmitGate {

    /** Breaker window: the last 10 submits; at least 5 before it judges, open at 50% failures. */
    private static final int WINDOW = 10;
    private static final int MINIMUM_CALLS = 5;
    private static final float FAILURE_RATE_PERCENT = 50f;
    /** Trial calls in half-open state: two successes are enough to trust a restarted Redis. */
    private static final int HALF_OPEN_CALLS = 2;

    private final RequestSubmitter submitter;
    private final ToLongFunction<String> backlog;
    private final long maxBacklog;
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final CircuitBreaker breaker;
    private final Duration openFor;

    /**
     * @param backlog    the backlog of a pool (see {@link PoolBacklog#of})
     * @param maxBacklog refuse new calls of a pool past this many waiting or running entries; 0 or less: no limit
     * @param openFor    how long the breaker stays open before trial calls
     */
    public SubmitGate(RequestSubmitter submitter, ToLongFunction<String> backlog, long maxBacklog, Duration openFor) {
        this.submitter = submitter;
        this.backlog = backlog;
        this.maxBacklog = maxBacklog;
        this.openFor = openFor;
        this.breaker = breakers.circuitBreaker("redis-submit", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WINDOW)
                .minimumNumberOfCalls(MINIMUM_CALLS)
                .failureRateThreshold(FAILURE_RATE_PERCENT)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
                .ignoreExceptions(SubmitRefusedException.class)
                .build());
    }

    /** The registry holding this gate's breaker, for its meters (Resilience4j's tagged metrics bind to a registry). */
    public CircuitBreakerRegistry breakers() {
        return breakers;
    }

    /**
     * Appends the call to its pool's stream.
     *
     * @return the stream entry id
     * @throws SubmitRefusedException OVERLOADED (backlog past its limit) or UNAVAILABLE (Redis unreachable)
     */
    public String submit(String pool, ToolRequest request) {
        try {
            return breaker.executeSupplier(() -> {
                refuseIfBacklogged(pool);
                return submitter.submit(pool, request);
            });
        } catch (RuntimeException e) {
            throw refusal(e);
        }
    }

    /**
     * As {@link #submit}, without a thread waiting for Redis: the XADD is pipelined on the shared connection and
     * the stage completes on its I/O thread. The backlog check runs on the caller's thread (a cached number,
     * re-read at most every {@link PoolBacklog#REFRESH}). The stage fails with a {@link SubmitRefusedException}.
     */
    public CompletionStage<String> submitAsync(String pool, ToolRequest request) {
        CompletionStage<String> appended;
        try {
            appended = breaker.executeCompletionStage(() -> {
                refuseIfBacklogged(pool);
                return submitter.submitAsync(pool, request);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(refusal(e));
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        appended.whenComplete((id, error) -> {
            if (error == null) {
                result.complete(id);
            } else {
                result.completeExceptionally(refusal(error instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : error));
            }
        });
        return result;
    }

    private void refuseIfBacklogged(String pool) {
        if (maxBacklog > 0) {
            long waiting = backlog.applyAsLong(pool);
            if (waiting > maxBacklog) {
                throw new SubmitRefusedException(ErrorCode.OVERLOADED, "pool '" + pool + "' has " + waiting
                        + " calls waiting or running (limit " + maxBacklog + ")",
                        Optional.of(PoolBacklog.REFRESH.multipliedBy(10)), null, Refusal.BACKPRESSURE);
            }
        }
    }

    /** What a caller sees of a failed submit: a refusal as it is, an open breaker or a Redis error as UNAVAILABLE. */
    private SubmitRefusedException refusal(Throwable e) {
        if (e instanceof SubmitRefusedException refused) {
            return refused;
        }
        if (e instanceof CallNotPermittedException) {
            return new SubmitRefusedException(ErrorCode.UNAVAILABLE,
                    "Redis is unreachable; calls are refused for now", Optional.of(openFor), e, Refusal.BREAKER);
        }
        return new SubmitRefusedException(ErrorCode.UNAVAILABLE,
                "the call could not be queued: " + e.getMessage(), Optional.of(openFor), e);
    }
}
