package io.mcpca.workers.consume;

import io.mcpca.workers.recover.ClaimRefresher;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The session-locked calls that {@link Admission} holds back on the read loop while their session is busy: per
 * session in arrival order, each with when to try again and its current pause. Held entries are kept fresh by the
 * {@link ClaimRefresher} so no reclaimer takes them meanwhile. A lease released by this worker's batcher wakes the
 * session's first waiting call at once. Loop thread only, except {@link #leaseReleased}.
 */
public final class WaitingCalls {

    /** First pause of a call waiting on the loop for its busy session; doubles up to the second. */
    static final long FIRST_WAIT_NANOS = 500_000;
    static final long MAX_WAIT_NANOS = 50_000_000;
    /** While calls are held back, the loop looks for released leases at least this often. */
    private static final long MAX_HOLD_POLL_NANOS = 1_000_000;

    /**
     * A session-locked call the loop answers itself, being started on the loop: fresh from this read (its index
     * in it), or one that waited on the loop for its busy session ({@code waited}, index -1).
     */
    record LoopCall(Delivered call, int index, boolean waited) {
        String session() {
            return call.request().sessionId();
        }
    }

    private record Waiting(LoopCall attempt, long dueNanos, long pauseNanos) {
    }

    private final ClaimRefresher claims;
    private final Map<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    /** Sessions whose lease a finish released while calls were held back (from the batcher's thread). */
    private final Queue<String> released = new ConcurrentLinkedQueue<>();
    private volatile boolean noting;

    public WaitingCalls(ClaimRefresher claims) {
        this.claims = claims;
    }

    /** From here on released leases are noted; {@link #endAdmission} stops that when nothing is held back. */
    void beginAdmission() {
        noting = true;
    }

    void endAdmission() {
        if (waiting.isEmpty()) {
            noting = false;
            released.clear();
        }
    }

    /** The batcher released {@code session}'s lease (any thread). */
    void leaseReleased(String session) {
        if (noting) {
            released.add(session);
        }
    }

    boolean isWaiting(String session) {
        return waiting.containsKey(session);
    }

    /** The first waiting call of every session whose pause is over, in the order their sessions first waited. */
    List<LoopCall> due() {
        List<LoopCall> due = new ArrayList<>();
        long now = System.nanoTime();
        // a session whose lease was just released: its first waiting call goes now
        for (String session = released.poll(); session != null; session = released.poll()) {
            ArrayDeque<Waiting> queue = waiting.get(session);
            if (queue != null) {
                Waiting head = queue.pollFirst();
                queue.addFirst(new Waiting(head.attempt(), now, FIRST_WAIT_NANOS));
            }
        }
        waiting.values().forEach(queue -> {
            if (queue.peekFirst().dueNanos() <= now) {
                due.add(queue.peekFirst().attempt());
            }
        });
        return due;
    }

    /** The pause a waited call last waited, to double it. */
    long lastPauseNanos(LoopCall attempt) {
        return waiting.get(attempt.session()).peekFirst().pauseNanos();
    }

    /**
     * Holds a call back: a waited one stays first in its session's queue; a fresh one that found its session busy
     * goes first too ({@code ahead}: every other call of the session in the queue came in the same read, after
     * it); a fresh one behind a call of its session goes last.
     */
    void hold(LoopCall attempt, long pauseNanos, boolean ahead) {
        Waiting w = new Waiting(new LoopCall(attempt.call(), -1, true), System.nanoTime() + pauseNanos, pauseNanos);
        ArrayDeque<Waiting> queue = waiting.computeIfAbsent(attempt.session(), k -> new ArrayDeque<>());
        if (attempt.waited()) {
            queue.pollFirst();
            queue.addFirst(w);
        } else {
            if (ahead) {
                queue.addFirst(w);
            } else {
                queue.addLast(w);
            }
            Delivered call = attempt.call();
            claims.hold(call.pool(), call.stream(), call.entryId());
        }
    }

    /** A waited call is done (finished, answered again, or out of time): the next of its session may go. */
    void release(LoopCall attempt) {
        if (!attempt.waited()) {
            return;
        }
        ArrayDeque<Waiting> queue = waiting.get(attempt.session());
        queue.pollFirst();
        if (queue.isEmpty()) {
            waiting.remove(attempt.session());
        }
        Delivered call = attempt.call();
        claims.release(call.pool(), call.stream(), call.entryId());
    }

    /**
     * While calls are held back: at once if a lease was released meanwhile, else at the earliest pause's end but
     * within a millisecond, since a lease this worker holds is released by its batcher at any moment.
     */
    Optional<Duration> retryIn() {
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        if (!released.isEmpty()) {
            return Optional.of(Duration.ZERO);
        }
        long now = System.nanoTime();
        long due = waiting.values().stream().mapToLong(q -> q.peekFirst().dueNanos()).min().orElse(now);
        return Optional.of(Duration.ofNanos(Math.min(MAX_HOLD_POLL_NANOS, Math.max(0, due - now))));
    }

    int size() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
