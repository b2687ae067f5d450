package io.mcpca.shared.exec;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persists execution records and moves them through {@link ExecutionState}: each transition is one
 * script that checks the stored state against the predecessors the state machine allows, so two
 * workers racing on one call (a reclaim while the first was only stalled) cannot both finish it.
 * {@link #find} is the read side for session tools.
 */
public final class ExecutionStore {

    private static final LuaScript TRANSITION = LuaScript.load("transitionExecution-1.lua");

    /** How the attempt counter changes with a transition. */
    public enum Attempt { KEEP, INCREMENT }

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;
    private final Duration ttl;
    private final Duration terminalTtl;
    private final Clock clock;

    /** @param ttl how long a record outlives its last transition, final or not */
    public ExecutionStore(RedisClusterCommands<String, String> redis, Keys keys, Duration ttl, Clock clock) {
        this(redis, keys, ttl, ttl, clock);
    }

    /**
     * @param ttl         how long a QUEUED or RUNNING record outlives its last transition (long enough for a
     *                    client to ask about a call in progress)
     * @param terminalTtl how long a final record (SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED) is kept: the
     *                    client has its answer by then, and at 10,000 calls/s every minute of it costs
     *                    600,000 records of Redis memory
     */
    public ExecutionStore(RedisClusterCommands<String, String> redis, Keys keys, Duration ttl, Duration terminalTtl,
                          Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = ttl;
        this.terminalTtl = terminalTtl;
        this.clock = clock;
    }

    /**
     * Moves the call to {@code to}; returns its attempt number afterwards.
     *
     * @throws IllegalTransitionException when the stored state does not allow {@code to}
     */
    public int transition(String sessionId, String requestId, ExecutionState to, Attempt attempt, String workerId,
                          String reason) {
        return transition(sessionId, requestId, to, attempt == Attempt.INCREMENT ? "+1" : "", workerId, reason);
    }

    /** As {@link #transition}, setting the attempt to a known delivery count. */
    public int transitionAtAttempt(String sessionId, String requestId, ExecutionState to, int attempt,
                                   String workerId, String reason) {
        return transition(sessionId, requestId, to, Integer.toString(attempt), workerId, reason);
    }

    public Optional<ExecutionRecord> find(String sessionId, String requestId) {
        Map<String, String> hash = redis.hgetall(keys.execution(sessionId, requestId));
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        ExecutionState state = ExecutionState.valueOf(hash.get("state"));
        return Optional.of(new ExecutionRecord(Integer.parseInt(hash.getOrDefault("schema", "0")), requestId,
                sessionId, state, ExecutionState.valueOf(hash.getOrDefault("previous", state.name())),
                Integer.parseInt(hash.getOrDefault("attempt", "1")), hash.get("worker"), hash.get("reason"),
                Long.parseLong(hash.getOrDefault("updatedAtMs", "0"))));
    }

    /**
     * Queues the transition to {@code to} (attempt kept) on a pipeline without waiting: the future holds
     * the attempt, or {@link ScriptError#ILLEGAL_TRANSITION}'s code when the stored state does not allow
     * it. On NOSCRIPT the caller runs {@link #transition} instead (it reloads the script).
     */
    public RedisFuture<Long> transitionPipelined(RedisScriptingAsyncCommands<String, String> pipeline,
                                                 String sessionId, String requestId, ExecutionState to,
                                                 String workerId, String reason) {
        return TRANSITION.runAsync(pipeline, new String[] {keys.execution(sessionId, requestId)},
                arguments(sessionId, requestId, to, "", workerId, reason));
    }

    private int transition(String sessionId, String requestId, ExecutionState to, String attempt, String workerId,
                           String reason) {
        long result = TRANSITION.runForLong(redis, new String[] {keys.execution(sessionId, requestId)},
                arguments(sessionId, requestId, to, attempt, workerId, reason));
        if (ScriptError.of(result).isPresent()) {
            throw new IllegalTransitionException(requestId, to);
        }
        return (int) result;
    }

    private String[] arguments(String sessionId, String requestId, ExecutionState to, String attempt,
                               String workerId, String reason) {
        Duration keep = to.isFinal() ? terminalTtl : ttl;
        List<String> args = new ArrayList<>(List.of(to.name(), Long.toString(keep.toMillis()),
                Long.toString(clock.millis()), Integer.toString(ExecutionRecord.SCHEMA), attempt, workerId, reason,
                requestId, sessionId, ExecutionState.INITIAL.name()));
        ExecutionState.predecessorsOf(to).forEach(s -> args.add(s.name()));
        return args.toArray(String[]::new);
    }
}
