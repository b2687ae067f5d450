package io.mcpca.shared.batch;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;

/**
 * The final state of a batch item, read off its final reply (the one fact both sides agree on): a result is
 * SUCCEEDED, a CANCELLED error CANCELLED, a DEAD_LETTERED error DEAD_LETTERED, any other error FAILED (its
 * code says why, DEADLINE_EXCEEDED for an item past the batch's deadline). QUEUED and RUNNING are not stored:
 * an item without an outcome is still waiting or running.
 */
public enum ItemState {
    QUEUED, SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED;

    public static ItemState of(ToolReply reply) {
        if (reply.kind() == ReplyKind.RESULT) {
            return SUCCEEDED;
        }
        if (ErrorCode.CANCELLED.name().equals(reply.errorCode())) {
            return CANCELLED;
        }
        if (ErrorCode.DEAD_LETTERED.name().equals(reply.errorCode())) {
            return DEAD_LETTERED;
        }
        return FAILED;
    }

    public boolean isFinal() {
        return this != QUEUED;
    }
}
