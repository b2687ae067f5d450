package io.mcpca.shared.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.sync.BaseRedisCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The durability knob {@code mcpca.redis.wait-replicas} (docs/decisions/031): after a write that acknowledges
 * something (the XADD of a request, the XADDs of replies), {@code WAIT replicas timeout} on the same connection, so the
 * write is on that many replicas before the caller goes on. Redis replication stays asynchronous: WAIT narrows the
 * window in which a failover loses an acknowledged write, it does not close it (a replica that confirmed may still
 * not be the one promoted, and it confirms having received the write, not having made it durable).
 * <p>WAIT covers every write the connection sent before it, so on a shared, pipelined connection concurrent callers'
 * WAITs commit as a group: the first one to return has covered the writes of those queued behind it, which return
 * at once.
 *
 * @param replicas replicas that must confirm; 0: off (no WAIT is sent)
 * @param timeout  how long WAIT may block; a replica on a LAN confirms within a millisecond or two
 */
public record ReplicaWait(int replicas, Duration timeout) {

    /** Off: nothing waits. */
    public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ofSeconds(1));

    public ReplicaWait {
        if (replicas < 0) {
            throw new IllegalArgumentException("mcpca.redis.wait-replicas must be 0 or more, got " + replicas);
        }
        if (replicas > 0 && (timeout.isNegative() || timeout.isZero())) {
            // WAIT n 0 blocks forever: a lost replica would stall every write behind it
            throw new IllegalArgumentException("mcpca.redis.wait-timeout must be positive, got " + timeout);
        }
    }

    public boolean enabled() {
        return replicas > 0;
    }

    /** Waits for the replicas after the writes already sent on {@code commands}' connection. */
    public void confirm(BaseRedisCommands<?, ?> commands, String what) {
        if (enabled()) {
            check(commands.waitForReplication(replicas, timeout.toMillis()), what);
        }
    }

    /** As {@link #confirm}, without a thread waiting: the stage fails with a {@link NotReplicatedException}. */
    public CompletionStage<Void> confirmAsync(BaseRedisAsyncCommands<?, ?> commands, String what) {
        if (!enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        return commands.waitForReplication(replicas, timeout.toMillis()).thenAccept(n -> check(n, what));
    }

    /** Queues a WAIT on a pipelining connection (auto-flush off: the caller flushes); empty when off. */
    public Optional<RedisFuture<Long>> send(BaseRedisAsyncCommands<?, ?> commands) {
        return enabled() ? Optional.of(commands.waitForReplication(replicas, timeout.toMillis())) : Optional.empty();
    }

    /** @throws NotReplicatedException when fewer than {@link #replicas} confirmed */
    public void check(long confirmed, String what) {
        if (confirmed < replicas) {
            throw new NotReplicatedException(what + " reached " + confirmed + " of " + replicas + " replicas within "
                    + timeout.toMillis() + " ms (mcpca.redis.wait-replicas)");
        }
    }

    /** Fewer replicas than asked for confirmed a write within the timeout; the write itself is on the master. */
    public static final class NotReplicatedException extends RedisException {
        public NotReplicatedException(String message) {
            super(message);
        }
    }
}
