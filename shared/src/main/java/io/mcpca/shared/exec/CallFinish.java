package io.mcpca.shared.exec;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.session.SessionWrite;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finishes a session-locked call in one round trip ({@code finishCall-4.lua}), before its reply goes out:
 * the session write under the lease's fence, the lease's release and the final execution record, which
 * keeps the reply (as JSON) until the entry is acknowledged. {@link CallStart}'s other half.
 *
 * <p>Why the record keeps the reply: once the record is final, a redelivery of the entry (its reply or its
 * XACK was lost to a crash or a Redis error) must not run the call again, yet its caller still waits. The
 * redelivery sends the kept reply instead ({@link #keptReply}); the ingress drops whichever copy comes
 * second. The worker deletes the field once the entry is acknowledged ({@link #replyField}), so Redis does not
 * hold every answer for the record's lifetime.
 */
public final class CallFinish {

    private static final LuaScript FINISH = LuaScript.load("finishCall-4.lua");
    private static final String REPLY_FIELD = "reply";
    private static final JacksonCodec JSON = JacksonCodec.json();

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;
    private final Duration recordTtl;
    private final int maxKeptReplyBytes;
    private final Clock clock;

    /**
     * @param recordTtl         lifetime of the final record (as {@link ExecutionStore}'s terminal ttl)
     * @param maxKeptReplyBytes a larger reply is not kept: its redelivery answers with a retryable error
     */
    public CallFinish(RedisClusterCommands<String, String> redis, Keys keys, Duration recordTtl, int maxKeptReplyBytes,
                      Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.recordTtl = recordTtl;
        this.maxKeptReplyBytes = maxKeptReplyBytes;
        this.clock = clock;
    }

    /**
     * How a session-locked call ends: its lease, final state and reason, the session attributes to write and
     * the session's ttl, and the reply to keep.
     */
    public record Finish(LockLease lease, String requestId, ExecutionState state, String reason,
                         Map<String, String> attributes, Duration sessionTtl, String workerId, ToolReply reply,
                         Optional<History> history) {

        public Finish {
            if (!state.isFinal()) {
                throw new IllegalArgumentException(state + " is not a final state");
            }
        }

        /** A finish that adds no entry to the session's history. */
        public Finish(LockLease lease, String requestId, ExecutionState state, String reason,
                      Map<String, String> attributes, Duration sessionTtl, String workerId, ToolReply reply) {
            this(lease, requestId, state, reason, attributes, sessionTtl, workerId, reply, Optional.empty());
        }

        public String sessionId() {
            return lease.sessionId();
        }
    }

    /**
     * What the session's history keeps of a call (besides its request id, final state and finish time): the
     * get-session-history tool reads it back.
     *
     * @param tool            the tool called
     * @param argumentsDigest a digest of the call's arguments (never the arguments: they may hold inline code)
     * @param errorCode       the error code of a failed call, "" otherwise
     * @param queuedAtMs      epoch ms the call was queued (its request entry's id)
     */
    public record History(String tool, String argumentsDigest, String errorCode, long queuedAtMs) {
    }

    /**
     * Writes the session (merge, any version) under the lease's fence, releases the lease and moves the record
     * to the final state keeping the reply. Refused with {@link ScriptError#STALE_FENCE}, writing nothing, when
     * the lease was lost while the call ran.
     */
    public SessionWrite finish(Finish finish) {
        return outcome(FINISH.runForLong(redis, keysOf(finish), args(finish)));
    }

    /**
     * As {@link #finish}, queued on {@code pipeline} (its auto-flush off) without waiting; {@link #outcome}
     * reads the result. A NOSCRIPT failure is the caller's: {@link #finish} reloads the script.
     */
    public RedisFuture<Long> finishAsync(RedisScriptingAsyncCommands<String, String> pipeline, Finish finish) {
        return FINISH.runAsync(pipeline, keysOf(finish), args(finish));
    }

    /** The script's result as a session write: the new version, or refused for a stale fence. */
    public static SessionWrite outcome(long result) {
        return ScriptError.of(result).map(SessionWrite::refused).orElseGet(() -> SessionWrite.written(result));
    }

    private String[] keysOf(Finish f) {
        String sessionId = f.sessionId();
        return new String[] {keys.session(sessionId), keys.fence(sessionId), keys.lock(sessionId),
                keys.execution(sessionId, f.requestId())};
    }

    private String[] args(Finish f) {
        String kept = new String(JSON.encode(f.reply()), StandardCharsets.UTF_8);
        long now = clock.millis();
        List<String> args = new ArrayList<>(List.of(Long.toString(f.lease().fence()), f.lease().token(),
                Long.toString(f.sessionTtl().toMillis()), Long.toString(now), Integer.toString(Session.SCHEMA),
                f.state().name(), Long.toString(recordTtl.toMillis()), Integer.toString(ExecutionRecord.SCHEMA),
                f.workerId(), f.reason(), f.requestId(), f.sessionId(), ExecutionState.INITIAL.name(),
                ExecutionState.predecessorsOf(f.state()).stream().map(Enum::name).sorted()
                        .collect(Collectors.joining(" ")),
                kept.length() <= maxKeptReplyBytes ? kept : "",
                f.history().map(h -> historyEntry(f, h, now)).orElse(""), Integer.toString(Session.HISTORY_MAX)));
        f.attributes().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return args.toArray(String[]::new);
    }

    /** One history entry as the session keeps it (see {@link Session#HISTORY_MAX}). */
    private static String historyEntry(Finish f, History h, long now) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("requestId", f.requestId());
        entry.put("tool", h.tool());
        entry.put("argumentsDigest", h.argumentsDigest());
        entry.put("state", f.state().name());
        if (!h.errorCode().isEmpty()) {
            entry.put("errorCode", h.errorCode());
        }
        entry.put("queuedAtMs", h.queuedAtMs());
        entry.put("finishedAtMs", now);
        return new String(JSON.encode(entry), StandardCharsets.UTF_8);
    }

    /** The reply a finished call kept in its record, if the record still has it and it reads. */
    public Optional<ToolReply> keptReply(String sessionId, String requestId) {
        String kept = redis.hget(keys.execution(sessionId, requestId), REPLY_FIELD);
        if (kept == null || kept.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.decode(kept.getBytes(StandardCharsets.UTF_8), ToolReply.class));
        } catch (WireFormatException e) {
            return Optional.empty();
        }
    }

    /** The execution record of a call (the key {@link #finish} writes). */
    public String recordKey(String sessionId, String requestId) {
        return keys.execution(sessionId, requestId);
    }

    /** The record's field holding the kept reply; deleted once the call's entry is acknowledged. */
    public static String replyField() {
        return REPLY_FIELD;
    }
}
