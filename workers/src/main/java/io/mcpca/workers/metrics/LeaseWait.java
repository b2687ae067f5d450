package io.mcpca.workers.metrics;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Measures one session-lease wait for {@code mcpca.worker.lock.wait} and {@code .contention}: {@link #begin} when the
 * first attempt starts, {@link #counting} wraps the attempt to count tries, {@link #end} records the wait (and a
 * contention when more than one try was needed). One thread; not shared.
 */
public final class LeaseWait {

    private final PoolMeters meters;
    private final long beganNanos;
    private int tries;

    private LeaseWait(PoolMeters meters) {
        this.meters = meters;
        this.beganNanos = System.nanoTime();
    }

    public static LeaseWait begin(PoolMeters meters) {
        return new LeaseWait(meters);
    }

    /** {@code attempt}, counting each call of it. */
    public <T> Supplier<Optional<T>> counting(Supplier<Optional<T>> attempt) {
        return () -> {
            tries++;
            return attempt.get();
        };
    }

    public void end() {
        meters.lockWaited(System.nanoTime() - beganNanos, tries > 1);
    }
}
