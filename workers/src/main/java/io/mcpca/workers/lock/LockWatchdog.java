package io.mcpca.workers.lock;

import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.log.CallMdc;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of running calls alive: every third of the TTL it extends each lease it watches
 * (Lua compare-and-extend), so a lease outlives a slow call but not a dead worker. A third leaves two
 * chances to extend before the lease would run out.
 */
public final class LockWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockWatchdog.class);

    private final SessionLock lock;
    private final Duration ttl;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lock-watchdog");
        t.setDaemon(true);
        return t;
    });

    public LockWatchdog(SessionLock lock, Duration ttl) {
        this.lock = lock;
        this.ttl = ttl;
    }

    /** Starts extending {@code lease}; close the returned handle when the call ends. */
    public AutoCloseable watch(LockLease lease) {
        long periodMs = Math.max(1, ttl.toMillis() / 3);
        // its warnings belong to the call that took the lease: they carry the call's log context
        ScheduledFuture<?> task = timer.scheduleAtFixedRate(CallMdc.carried(() -> extend(lease)), periodMs, periodMs,
                TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    private void extend(LockLease lease) {
        try {
            Optional<ScriptError> refused = lock.extend(lease, ttl);
            refused.ifPresent(error -> log.warn("lease on session {} lost ({}); fencing token {} is now stale",
                    lease.sessionId(), error, lease.fence()));
        } catch (RuntimeException e) {
            // A Redis hiccup: the next tick tries again; the lease has two more periods to live.
            log.warn("could not extend the lease on session {}: {}", lease.sessionId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
