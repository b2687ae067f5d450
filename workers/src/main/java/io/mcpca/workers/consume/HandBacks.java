package io.mcpca.workers.consume;

import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.exec.ExecutionStore.Attempt;
import io.mcpca.shared.exec.IllegalTransitionException;
import io.mcpca.workers.recover.ClaimRefresher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an entry back unanswered, so another delivery (maybe on another worker) runs it: after an analyzer crash
 * that survived the in-worker retries, or when the worker stops mid-call. The entry becomes reclaimable at once;
 * the reclaimer dead-letters it after {@code maxDeliveries}. A session-locked call's record goes back to QUEUED
 * with its attempt counted.
 */
public final class HandBacks {

    private static final Logger log = LoggerFactory.getLogger(HandBacks.class);

    private final ClaimRefresher claims;
    private final ExecutionStore executions;
    private final String workerId;

    public HandBacks(ClaimRefresher claims, ExecutionStore executions, String workerId) {
        this.claims = claims;
        this.executions = executions;
        this.workerId = workerId;
    }

    /** @param recorded whether the call has an execution record (session-locked calls do, sessionless ones not) */
    public void handBack(Delivered call, String reason, boolean recorded) {
        String requestId = call.request().requestId();
        log.warn("call {}: handing the entry back ({})", requestId, reason);
        if (recorded) {
            try {
                executions.transition(call.request().sessionId(), requestId, ExecutionState.QUEUED, Attempt.INCREMENT,
                        workerId, reason);
            } catch (IllegalTransitionException e) {
                log.warn("call {}: {}", requestId, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("call {}: could not record QUEUED: {}", requestId, e.getMessage());
            }
        }
        claims.handBack(call.pool(), call.stream(), call.entryId());
    }
}
