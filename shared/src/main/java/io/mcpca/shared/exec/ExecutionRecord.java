package io.mcpca.shared.exec;

import java.util.Objects;

/**
 * One call's execution as persisted at {@code mcpca:exec:{sid}:<requestId>} (a hash with a TTL).
 *
 * @param schema      layout version of the stored record
 * @param requestId   the call
 * @param sessionId   its session
 * @param state       where it is now
 * @param previous    the state before (equal to {@code state} for a fresh record)
 * @param attempt     1 on the first delivery, +1 per reclaim or hand-back
 * @param workerId    the worker that made the last transition
 * @param reason      why it failed, was dead-lettered or handed back; empty otherwise
 * @param updatedAtMs epoch ms of the last transition
 */
public record ExecutionRecord(int schema, String requestId, String sessionId, ExecutionState state,
                              ExecutionState previous, int attempt, String workerId, String reason, long updatedAtMs) {

    public static final int SCHEMA = 1;

    public ExecutionRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(state, "state");
        previous = previous == null ? state : previous;
        workerId = workerId == null ? "" : workerId;
        reason = reason == null ? "" : reason;
    }
}
