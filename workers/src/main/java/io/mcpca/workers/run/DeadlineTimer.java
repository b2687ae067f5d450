package io.mcpca.workers.run;

import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when its deadline passes unless it is cancelled first (an analyzer call's kill), on one daemon
 * thread that is woken only when a new deadline is earlier than the time it already sleeps until. A
 * {@code ScheduledThreadPoolExecutor} that removes cancelled tasks wakes its thread for every task: once the last
 * call's task is removed, the next one is the queue's head again, and a head signals the thread. Calls with
 * deadlines of the same length arrive in deadline order, so here the thread sleeps until the first deadline, wakes
 * once then (finding it cancelled, long ago) and sleeps until the earliest one still pending (or the last one
 * scheduled): about one wake-up per deadline length instead of one per call (decision 019). Lifecycle: 1. the thread starts with the timer and
 * sleeps; 2. {@link #schedule} adds a deadline (O(log n)); 3. {@link Deadline#cancel} removes it (O(log n), no
 * wake-up); 4. the thread runs each deadline that has passed, outside the lock, and sleeps until the next.
 */
final class DeadlineTimer {

    private static final Logger log = LoggerFactory.getLogger(DeadlineTimer.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition earlier = lock.newCondition();
    /** Pending deadlines, earliest first (ties by order of scheduling). */
    private final TreeSet<Deadline> pending = new TreeSet<>();
    /** When the thread wakes by itself (its sleep's end), or {@code Long.MAX_VALUE} while it sleeps for good. */
    private long sleepsUntil = Long.MAX_VALUE;
    private boolean sleeping;
    private long scheduled;
    /** The deadline of the last action scheduled: the thread sleeps at least until it (see {@link #run}). */
    private long lastScheduledAt = System.nanoTime();
    /** Times the thread woke from a sleep (for tests: later deadlines must not wake it). */
    private long wakeUps;

    DeadlineTimer(String threadName) {
        Thread thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** One scheduled action; {@link #cancel} keeps it from running if it has not started. */
    final class Deadline implements Comparable<Deadline> {
        private final long atNanos;
        private final long order;
        private final Runnable action;

        private Deadline(long atNanos, long order, Runnable action) {
            this.atNanos = atNanos;
            this.order = order;
            this.action = action;
        }

        /** Removes the deadline: the thread is not woken for it, and its action never runs if it has not. */
        void cancel() {
            underLock(() -> pending.remove(this));
        }

        @Override
        public int compareTo(Deadline other) {
            int byTime = Long.compare(atNanos - other.atNanos, 0); // nanoTime differences, not values, compare
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** Runs {@code action} once {@code delayNanos} have passed, unless the returned deadline is cancelled first. */
    Deadline schedule(Runnable action, long delayNanos) {
        lock.lock();
        try {
            Deadline deadline = new Deadline(System.nanoTime() + Math.max(0, delayNanos), scheduled++, action);
            pending.add(deadline);
            lastScheduledAt = deadline.atNanos;
            // the thread wakes by itself before this deadline, unless it sleeps for good or until a later time
            if (sleeping && (sleepsUntil == Long.MAX_VALUE || deadline.atNanos - sleepsUntil < 0)) {
                earlier.signal();
            }
            return deadline;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the thread sleeps now until a time (not until woken), having seen every signal so far (for tests). */
    boolean sleepsUntilATime() {
        return underLock(() -> sleeping && sleepsUntil != Long.MAX_VALUE);
    }

    /** How often the thread has woken so far (for tests). */
    long wakeUps() {
        return underLock(() -> wakeUps);
    }

    private <T> T underLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Deadline due = null;
            lock.lock();
            try {
                while (due == null) {
                    long now = System.nanoTime();
                    Deadline first = pending.isEmpty() ? null : pending.first();
                    if (first != null && first.atNanos - now <= 0) {
                        pending.pollFirst();
                        due = first;
                    } else {
                        // with nothing pending it still sleeps only until the last deadline scheduled (cancelled
                        // already: a call that ended before this thread got to see it), so that the next call's
                        // deadline, later, need not wake it; after that, until it is woken
                        long until = first != null ? first.atNanos : lastScheduledAt - now > 0 ? lastScheduledAt
                                : Long.MAX_VALUE;
                        sleeping = true;
                        sleepsUntil = until;
                        try {
                            if (until == Long.MAX_VALUE) {
                                earlier.await();
                            } else {
                                earlier.awaitNanos(until - now);
                            }
                        } catch (InterruptedException e) {
                            // a daemon for the JVM's life: nothing interrupts it but a JVM going away
                            return;
                        } finally {
                            sleeping = false;
                            wakeUps++;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            try {
                due.action.run();
            } catch (RuntimeException e) {
                log.error("a deadline's action failed", e);
            }
        }
    }
}
