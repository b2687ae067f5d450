package io.mcpca.workers.lock;

import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases whose call finished but whose finish (session write and release together) Redis did not take: its master
 * died, say. Without this the lease lives out its TTL and the session's next calls wait for it; here it is released
 * by its token as soon as Redis takes writes again (a Cluster's replica promoted), every {@link #RETRY} until the
 * lease would have expired anyway. Safe by the fence: the call's entry stays pending and its reclaimed run writes
 * under a new lease; the lost finish, if it ever lands, is refused as stale. Lifecycle: 1. {@link #release} per
 * lost lease; 2. attempts on one daemon thread; 3. {@link #close} drops those left.
 */
public final class LostLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LostLeases.class);
    /** Between attempts: a failover takes seconds; twice a second finds the new master soon and costs nothing. */
    static final Duration RETRY = Duration.ofMillis(500);

    private final SessionLock lock;
    private final Duration lockTtl;
    private final ScheduledExecutorService attempts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lost-leases");
        t.setDaemon(true);
        return t;
    });

    /** @param lockTtl a lease's time to live: after it nothing is left to release */
    public LostLeases(SessionLock lock, Duration lockTtl) {
        this.lock = lock;
        this.lockTtl = lockTtl;
    }

    /**
     * Releases {@code lease} as soon as Redis takes it (not at once: the finish just failed), then runs
     * {@code released} (calls waiting for the session go).
     */
    public void release(LockLease lease, Runnable released) {
        long until = System.nanoTime() + lockTtl.toNanos();
        schedule(lease, released, until);
    }

    private void schedule(LockLease lease, Runnable released, long until) {
        try {
            attempts.schedule(() -> attempt(lease, released, until), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down: the lease expires by its TTL
        }
    }

    private void attempt(LockLease lease, Runnable released, long until) {
        try {
            if (lock.release(lease).isEmpty()) {
                log.info("session {}: lease of a call whose finish was lost released", lease.sessionId());
                released.run();
            }
            // else it expired or another holds it now: nothing of ours is left
        } catch (RuntimeException e) {
            if (System.nanoTime() + RETRY.toNanos() < until) {
                schedule(lease, released, until);
            }
        }
    }

    @Override
    public void close() {
        attempts.shutdownNow();
    }
}
