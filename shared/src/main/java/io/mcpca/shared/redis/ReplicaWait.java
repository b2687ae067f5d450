package io.mcpca.shared.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.sync.BaseRedisCommands;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability knob {@code mcpca.redis.wait-replicas} (docs/decisions/031): after a write that acknowledges
 * something (the XADD of a request, the XADDs of replies), {@code WAIT replicas timeout} on the same connection, so the
 * write is on that many replicas before the caller goes on. Redis replication stays asynchronous: WAIT narrows the
 * window in which a failover loses an acknowledged write, it does not close it (a replica that confirmed may still
 * not be the one promoted, and it confirms having received the write, not having made it durable).
 * <p>WAIT covers every write the connection sent before it, and blocks that connection while it waits: so on a shared
 * connection one WAIT at a time is in flight ({@link Barrier}), covering every call appended before it was sent;
 * calls appended meanwhile wait for the next one (group commit). On a Cluster the connection is the node connection
 * of the master that took the write ({@link ReplicatedWrites}), one barrier per node connection.
 * <p>Fewer replicas than asked within the timeout (none left after a failover, a lagging one) is logged and counted,
 * and the write stands: the knob buys durability while replicas are there, never availability. After a shortfall no
 * WAIT is sent for a second ({@link #SKIP_AFTER_SHORTFALL}) on that connection, so a lost replica costs one blocked
 * WAIT a second, not one per write (on a Cluster: per node, so the other masters' writes still wait for theirs). To refuse writes without replicas, Redis has its own {@code min-replicas-to-write}; a refused XADD is then a retryable UNAVAILABLE.
 * <p>{@code replicas}: replicas that must confirm; 0: off (no WAIT is sent). {@code timeout}: how long WAIT may
 * block; a replica on a LAN confirms within a millisecond or two.
 */
public final class ReplicaWait {

    private static final Logger log = LoggerFactory.getLogger(ReplicaWait.class);
    /** At most one warning per this period: without replicas every write falls short. */
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    /** Off: nothing waits. */
    public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ofSeconds(1));

    private final int replicas;
    private final Duration timeout;
    private final AtomicLong shortfalls = new AtomicLong();
    private final AtomicLong warnedAt = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    /** After a shortfall, writes go without WAIT this long: the replicas are probed again once a second. */
    public static final Duration SKIP_AFTER_SHORTFALL = Duration.ofSeconds(1);
    /** The skip of {@link #confirm}, whose connection is the caller's. */
    private final Skip skip = new Skip();

    public ReplicaWait(int replicas, Duration timeout) {
        if (replicas < 0) {
            throw new IllegalArgumentException("mcpca.redis.wait-replicas must be 0 or more, got " + replicas);
        }
        if (replicas > 0 && (timeout.isNegative() || timeout.isZero())) {
            // WAIT n 0 blocks forever: a lost replica would stall every write behind it
            throw new IllegalArgumentException("mcpca.redis.wait-timeout must be positive, got " + timeout);
        }
        this.replicas = replicas;
        this.timeout = timeout;
    }

    public int replicas() {
        return replicas;
    }

    /** Writes (or groups of writes, one per WAIT) that fewer replicas than asked confirmed in time, since the start. */
    public long shortfalls() {
        return shortfalls.get();
    }

    /** {@link #shortfalls} as the counter {@code mcpca.redis.wait.shortfalls{role}} (0 while the knob is off). */
    public void bindTo(MeterRegistry registry, String role) {
        FunctionCounter.builder("mcpca.redis.wait.shortfalls", this, ReplicaWait::shortfalls).tag("role", role)
                .description("Writes fewer replicas confirmed (WAIT) within mcpca.redis.wait-timeout than "
                        + "mcpca.redis.wait-replicas asked").register(registry);
    }

    public boolean enabled() {
        return replicas > 0;
    }

    /**
     * Waits for the replicas after the writes already sent on {@code commands}' connection, which must be one node's
     * (on a Cluster, use {@link #on}): the write stands either way, a shortfall is counted.
     */
    public void confirm(BaseRedisCommands<?, ?> commands, String what) {
        if (skip.open()) {
            check(commands.waitForReplication(replicas, timeout.toMillis()), what, skip);
        }
    }

    /** A barrier for the writes of one node connection whose {@code commands} these are. */
    public Barrier barrier(BaseRedisAsyncCommands<?, ?> commands) {
        return new Barrier(commands);
    }

    /** Writes on {@code connection} confirmed by WAITs on the right node connections, in every mode. */
    public ReplicatedWrites on(RedisConnection<byte[], byte[]> connection) {
        return new ReplicatedWrites(this, connection);
    }

    /** Whether WAITs are sent on a connection: the knob is on, and no shortfall there within the last second. */
    private final class Skip {
        private volatile long until = System.nanoTime();

        boolean open() {
            return replicas > 0 && System.nanoTime() - until >= 0;
        }

        void shortfall() {
            until = System.nanoTime() + SKIP_AFTER_SHORTFALL.toNanos();
        }
    }

    /**
     * The WAITs of one node connection: group commit ({@link #after}) on a shared, auto-flushing one, or one WAIT
     * queued behind a pipeline's writes ({@link #send}, then {@link #check} its answer); a shortfall here skips this
     * connection's WAITs for a second.
     */
    public final class Barrier {
        private final BaseRedisAsyncCommands<?, ?> commands;
        private final Skip skip = new Skip();
        private CompletableFuture<Void> inFlight;
        private CompletableFuture<Void> next;

        private Barrier(BaseRedisAsyncCommands<?, ?> commands) {
            this.commands = commands;
        }

        /**
         * Called once a write's answer is in: one WAIT is in flight at a time; whoever arrives meanwhile waits for the
         * next, sent as soon as the current one returns.
         *
         * @return completes when replicas confirmed (or fell short: counted); fails only if the WAIT failed
         */
        public CompletionStage<Void> after(String what) {
            if (!skip.open()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> first;
            synchronized (this) {
                if (inFlight != null) {
                    if (next == null) {
                        next = new CompletableFuture<>();
                    }
                    return next;
                }
                first = new CompletableFuture<>();
                inFlight = first;
            }
            send(first, what); // outside the lock: its answer may come on this thread, and takes the lock
            return first;
        }

        private void send(CompletableFuture<Void> done, String what) {
            commands.waitForReplication(replicas, timeout.toMillis()).whenComplete((confirmed, error) -> {
                if (error == null) {
                    check(confirmed, what);
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
                CompletableFuture<Void> waiting;
                synchronized (this) {
                    waiting = next;
                    next = null;
                    inFlight = waiting;
                }
                if (waiting != null) {
                    if (skip.open()) {
                        send(waiting, "calls");
                    } else {
                        synchronized (this) {
                            inFlight = null;
                        }
                        waiting.complete(null);
                    }
                }
            });
        }

        /** Queues a WAIT on a pipelining connection (auto-flush off: the caller flushes); empty when skipped. */
        public Optional<RedisFuture<Long>> send() {
            return skip.open() ? Optional.of(commands.waitForReplication(replicas, timeout.toMillis()))
                    : Optional.empty();
        }

        /** Counts and (at most every 10 s) logs a WAIT of this connection that fewer replicas than asked answered. */
        public void check(long confirmed, String what) {
            ReplicaWait.this.check(confirmed, what, skip);
        }
    }

    private void check(long confirmed, String what, Skip on) {
        if (confirmed >= replicas) {
            return;
        }
        on.shortfall();
        long count = shortfalls.incrementAndGet();
        long last = warnedAt.get();
        long now = System.nanoTime();
        if (now - last >= WARN_EVERY_NANOS && warnedAt.compareAndSet(last, now)) {
            log.warn("{} reached {} of {} replicas within {} ms (mcpca.redis.wait-replicas); it stands on the master "
                    + "alone ({} writes short of replicas so far)", what, confirmed, replicas, timeout.toMillis(), count);
        }
    }
}
