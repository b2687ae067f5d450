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
 * chances to extend before the lease would run out. And it releases, by token, the lease of a call whose finish
 * Redis did not take (its master died, say: {@link #releaseLost}), as soon as Redis takes writes again, so the
 * session does not wait out the TTL after a failover.
 */
public final class LockWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockWatchdog.class);
    /** Between attempts to release a lost lease: a failover takes seconds; twice a second finds the new master soon. */
    static final Duration RELEASE_RETRY = Duration.ofMillis(500);

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

    /**
     * Releases {@code lease}, whose call finished but whose finish (session write and release together) Redis did
     * not take, every {@link #RELEASE_RETRY} until Redis takes it or the lease would have expired anyway; then runs
     * {@code released} (calls waiting for the session go). Safe by the fence: the call's entry stays pending and
     * its reclaimed run writes under a new lease; the lost finish, should it land, is refused as stale.
     */
    public void releaseLost(LockLease lease, Runnable released) {
        scheduleRelease(lease, released, System.nanoTime() + ttl.toNanos());
    }

    private void scheduleRelease(LockLease lease, Runnable released, long until) {
        try {
            timer.schedule(() -> release(lease, released, until), RELEASE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down: the lease expires by its TTL
        }
    }

    private void release(LockLease lease, Runnable released, long until) {
        try {
            if (lock.release(lease).isEmpty()) {
                log.info("session {}: lease of a call whose finish was lost released", lease.sessionId());
                released.run();
            }
            // else it expired or another holds it now: nothing of ours is left
        } catch (RuntimeException e) {
            if (System.nanoTime() + RELEASE_RETRY.toNanos() < until) {
                scheduleRelease(lease, released, until);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
