package io.mcpca.workers.consume;

import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.cache.ResultDigest;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyBatcher.Completion;
import io.mcpca.workers.run.AnalyzerOutcome;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a call's final answer leaves the worker, all through the {@link ReplyBatcher} (which sends the
 * finish script, the reply, the record and the XACK in that order, pipelined with other calls): a
 * session-locked call's finish under its lease's fence, an answer with or without a record, and the kept reply
 * of a call an earlier delivery already finished.
 */
public final class Answers {

    private static final Logger log = LoggerFactory.getLogger(Answers.class);

    private final ReplyBatcher batcher;
    private final CallFinish finishes;
    private final Duration sessionTtl;
    private final String workerId;

    /** @param sessionTtl how long a session outlives its last call */
    public Answers(ReplyBatcher batcher, CallFinish finishes, Duration sessionTtl, String workerId) {
        this.batcher = batcher;
        this.finishes = finishes;
        this.sessionTtl = sessionTtl;
        this.workerId = workerId;
    }

    /** The reply this worker gives for an outcome. */
    public ToolReply reply(ToolRequest request, AnalyzerOutcome outcome) {
        return outcome.toReply(request.requestId(), workerId);
    }

    /** A call with no record to write (sessionless): the reply, then the XACK. */
    public void answer(Delivered call, AnalyzerOutcome outcome) {
        batcher.complete(completion(call, reply(call.request(), outcome), Optional.empty()));
    }

    /** A session-locked call that ends without its finish script (it never ran, or the worker failed): reply, record, XACK. */
    public void fail(Delivered call, ErrorCode code, String why, ExecutionState state) {
        ToolRequest request = call.request();
        batcher.complete(completion(call, ToolReply.error(request.requestId(), code, why, workerId),
                Optional.of(new ReplyBatcher.Transition(request.sessionId(), request.requestId(), state, why))));
    }

    /** The call never got its session's lease before its deadline: DEADLINE_EXCEEDED, recorded CANCELLED. */
    public void busyUntilDeadline(Delivered call) {
        fail(call, ErrorCode.DEADLINE_EXCEEDED, "the session stayed busy until the call's deadline",
                ExecutionState.CANCELLED);
    }

    /**
     * A session-locked call that ran: in one script (pipelined with the batch) the session is written under the
     * lease's fence, the lease released and the final state recorded keeping the reply; then the reply and the
     * XACK. A stale fence drops the result unanswered: another worker owns the call now.
     */
    public void finishLocked(Delivered call, LockLease lease, AnalyzerOutcome outcome) {
        ToolRequest request = call.request();
        ExecutionState state = outcome.succeeded() ? ExecutionState.SUCCEEDED
                : outcome.cancelled() ? ExecutionState.CANCELLED : ExecutionState.FAILED;
        ToolReply reply = reply(request, outcome);
        CallFinish.History history = new CallFinish.History(request.tool(), ResultDigest.ofArguments(request.arguments()),
                reply.errorCode(), queuedAtMs(call.entryId()));
        CallFinish.Finish finish = new CallFinish.Finish(lease, request.requestId(), state, outcome.errorMessage(),
                outcome.sessionAttributes(request), sessionTtl, workerId, reply, Optional.of(history));
        batcher.complete(Completion.finishing(call.pool(), call.message().getStream(), call.entryId(),
                request.replyTo(), finish, finishes.recordKey(request.sessionId(), request.requestId())));
    }

    /**
     * The call's record is final: an earlier delivery answered it, and its reply or its XACK may have been lost.
     * Sends the reply that delivery kept in the record (the ingress drops it if the first one arrived), or, when
     * none was kept, a retryable error, so the caller never waits for nothing; then acknowledges.
     */
    public void answerAgain(Delivered call) {
        ToolRequest request = call.request();
        Optional<ToolReply> kept;
        try {
            kept = finishes.keptReply(request.sessionId(), request.requestId());
        } catch (RuntimeException e) {
            kept = Optional.empty();
        }
        log.info("call {} was answered on an earlier delivery; {} and acknowledging", request.requestId(),
                kept.isPresent() ? "sending its kept reply again" : "its reply was not kept, answering with an error");
        ToolReply again = kept.orElseGet(() -> ToolReply.error(request.requestId(), ErrorCode.INTERNAL,
                "the call finished on an earlier delivery but its answer was lost; call again", workerId));
        batcher.complete(new Completion(call.pool(), call.message().getStream(), call.entryId(), request.replyTo(),
                again, Optional.empty(), Optional.of(finishes.recordKey(request.sessionId(), request.requestId()))));
    }

    /** When the call was queued: the milliseconds part of its stream entry's id ({@code <ms>-<seq>}). */
    private static long queuedAtMs(String entryId) {
        int dash = entryId.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Completion completion(Delivered call, ToolReply reply, Optional<ReplyBatcher.Transition> record) {
        return new Completion(call.pool(), call.message().getStream(), call.entryId(), call.request().replyTo(),
                reply, record);
    }
}
