package io.mcpca.shared.lock;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries taking a busy lease with random, doubling backoff until a deadline. Random so that
 * contenders that collided once do not collide again in lock step; small at first because most
 * calls finish in milliseconds; capped so a freed lease is noticed quickly.
 */
public final class ContentionBackoff {

    /** Sleeps; a seam so tests can make time pass without waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;

        Sleeper THREAD = Thread::sleep;
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final long minMs;
    private final long maxMs;

    public ContentionBackoff(Clock clock, Sleeper sleeper, long minMs, long maxMs) {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("backoff bounds must satisfy 1 <= min <= max");
        }
        this.clock = clock;
        this.sleeper = sleeper;
        this.minMs = minMs;
        this.maxMs = maxMs;
    }

    /** The bounds the workers use: 2 ms (a short call's length) doubling up to 50 ms. */
    public static ContentionBackoff standard(Clock clock) {
        return new ContentionBackoff(clock, Sleeper.THREAD, 2, 50);
    }

    /**
     * Calls {@code attempt} until it yields a value (a started call, say) or {@code deadlineEpochMs} passes (or the
     * thread is interrupted); an attempt answers empty while the session is busy.
     */
    public <T> Optional<T> retry(Supplier<Optional<T>> attempt, long deadlineEpochMs) {
        long bound = minMs;
        do {
            Optional<T> lease = attempt.get();
            if (lease.isPresent()) {
                return lease;
            }
            try {
                sleeper.sleep(ThreadLocalRandom.current().nextLong(minMs, bound + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            bound = Math.min(maxMs, bound * 2);
        } while (clock.millis() < deadlineEpochMs);
        return Optional.empty();
    }
}
