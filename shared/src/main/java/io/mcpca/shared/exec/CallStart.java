package io.mcpca.shared.exec;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LeaseTokens;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Starts a session-locked call in one round trip ({@code startCall-3.lua}): the session lease with its
 * fencing token, and the RUNNING record. It is the only way a lease is taken; {@link CallFinish} writes the
 * session under its fence and releases it, {@link io.mcpca.shared.lock.SessionLock} releases a call's lease
 * that ends without a finish and extends a running one. The transitions allowed come from
 * {@link ExecutionState}, as for every other transition.
 */
public final class CallStart {

    private static final LuaScript START = LuaScript.load("startCall-3.lua");
    private static final String RUNNING_FROM = names(ExecutionState.predecessorsOf(ExecutionState.RUNNING));
    private static final String FINAL = names(EnumSet.allOf(ExecutionState.class).stream()
            .filter(ExecutionState::isFinal).collect(Collectors.toSet()));

    /** A started call: the lease, or none because the call was already final (a duplicate delivery). */
    public record Started(Optional<LockLease> lease) {
        public boolean alreadyFinal() {
            return lease.isEmpty();
        }
    }

    private final RedisScriptingCommands<String, String> redis;
    private final Keys keys;
    private final Duration recordTtl;
    private final Duration fenceTtl;
    private final Clock clock;

    /**
     * @param recordTtl lifetime of the RUNNING record (as {@link ExecutionStore}'s non-final ttl)
     * @param fenceTtl  lifetime of the session's fence counter after a lease is taken: the session's lifetime
     *                  ({@code mcpca.worker.session-ttl}; the script header says why that keeps fencing safe)
     */
    public CallStart(RedisScriptingCommands<String, String> redis, Keys keys, Duration recordTtl, Duration fenceTtl,
                     Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.recordTtl = recordTtl;
        this.fenceTtl = fenceTtl;
        this.clock = clock;
    }

    /**
     * Tries once. Empty: another call of the session holds the lease (back off and try again); else the
     * call started, or was already final.
     */
    public Optional<Started> tryStart(String sessionId, String requestId, int delivery, String workerId,
                                      Duration leaseTtl) {
        String token = newToken();
        return decode(sessionId, token, START.runForLong(redis, keysOf(sessionId, requestId),
                args(sessionId, requestId, delivery, workerId, leaseTtl, token)));
    }

    /** A start queued on a pipeline: {@link #result} waits for it once the pipeline is flushed. */
    public record PendingStart(String sessionId, String token, RedisFuture<Long> reply) {

        /**
         * As {@link CallStart#tryStart}'s result.
         *
         * @throws ExecutionException when Redis refused the script (NOSCRIPT after a restart, say): the caller
         *                            falls back to {@link CallStart#tryStart}, which reloads it
         */
        public Optional<Started> result(Duration timeout) throws ExecutionException, TimeoutException,
                InterruptedException {
            return decode(sessionId, token, reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /**
     * As {@link #tryStart}, queued on {@code pipeline} (its auto-flush off) without waiting: a worker starts
     * every session-locked call of one read in one round trip.
     */
    public PendingStart tryStartAsync(RedisScriptingAsyncCommands<String, String> pipeline, String sessionId,
                                      String requestId, int delivery, String workerId, Duration leaseTtl) {
        String token = newToken();
        return new PendingStart(sessionId, token, START.runAsync(pipeline, keysOf(sessionId, requestId),
                args(sessionId, requestId, delivery, workerId, leaseTtl, token)));
    }

    private String[] keysOf(String sessionId, String requestId) {
        return new String[] {keys.lock(sessionId), keys.fence(sessionId), keys.execution(sessionId, requestId)};
    }

    private String[] args(String sessionId, String requestId, int delivery, String workerId, Duration leaseTtl,
                          String token) {
        return new String[] {token, Long.toString(leaseTtl.toMillis()), Long.toString(recordTtl.toMillis()),
                Long.toString(clock.millis()), Integer.toString(ExecutionRecord.SCHEMA), Integer.toString(delivery),
                workerId, requestId, sessionId, ExecutionState.INITIAL.name(), RUNNING_FROM, FINAL,
                Long.toString(fenceTtl.toMillis())};
    }

    private static Optional<Started> decode(String sessionId, String token, long result) {
        Optional<ScriptError> error = ScriptError.of(result);
        if (error.isEmpty()) {
            return Optional.of(new Started(Optional.of(new LockLease(sessionId, token, result))));
        }
        if (error.get() == ScriptError.ILLEGAL_TRANSITION) {
            return Optional.of(new Started(Optional.empty()));
        }
        return Optional.empty();
    }

    private static String newToken() {
        return LeaseTokens.next();
    }

    private static String names(java.util.Set<ExecutionState> states) {
        return states.stream().map(Enum::name).sorted().collect(Collectors.joining(" "));
    }
}
