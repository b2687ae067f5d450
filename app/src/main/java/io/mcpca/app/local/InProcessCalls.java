package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.session.SessionWrite;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.ToolRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress's local fallback: runs a call on this process's own warm analyzer pool through the same
 * {@link ToolRunner} the workers use, so a call answers the same in-process as through Redis, and with the
 * worker's session semantics on the local {@link SessionStore}: 1. a sessionless tool (ping) just runs, as on
 * the workers' fast path; every other call 2. takes its session's lease (random token, fencing token), backing
 * off at random while another call of the session holds it, until the call's deadline; 3. runs the tool;
 * 4. writes the session under the lease's fence (version + 1, unless the analyzer itself failed: the worker
 * hands such a call back without a write); 5. releases the lease, in {@code finally}.
 */
public final class InProcessCalls implements LocalCalls {

    private static final Logger log = LoggerFactory.getLogger(InProcessCalls.class);

    /**
     * @param leaseMargin how long a lease outlives its call's deadline. No watchdog extends it: the lease is
     *                    taken until the deadline (past it the analyzer is killed) plus this margin for the
     *                    session write and release; in one process a holder cannot vanish without the store
     *                    vanishing too, so only a lost {@code finally} could leave a lease to expire
     * @param sessionTtl  how long a session outlives its last call (the worker's {@code session-ttl})
     */
    public record Settings(Duration leaseMargin, Duration sessionTtl) {
    }

    private final ToolRunner runner;
    private final SessionStore sessions;
    private final Set<String> sessionlessTools;
    private final Settings settings;
    private final Clock clock;
    private final String runnerId;

    public InProcessCalls(ToolRunner runner, SessionStore sessions, Set<String> sessionlessTools, Settings settings,
                          Clock clock, String runnerId) {
        this.runner = runner;
        this.sessions = sessions;
        this.sessionlessTools = Set.copyOf(sessionlessTools);
        this.settings = settings;
        this.clock = clock;
        this.runnerId = runnerId;
    }

    @Override
    public ToolReply run(ToolRequest request, Consumer<ToolReply> progress) {
        if (sessionlessTools.contains(request.tool())) {
            return reply(request, runTool(request, progress));
        }
        Duration untilDeadline = Duration.ofMillis(Math.max(0, request.deadlineEpochMs() - clock.millis()));
        Optional<LockLease> lease = sessions.acquireLock(request.sessionId(),
                untilDeadline.plus(settings.leaseMargin()), untilDeadline);
        if (lease.isEmpty()) {
            return ToolReply.error(request.requestId(), ErrorCode.DEADLINE_EXCEEDED,
                    "the session stayed busy until the call's deadline", runnerId);
        }
        try {
            AnalyzerOutcome outcome = runTool(request, progress);
            if (outcome.succeeded() || outcome.error() != ErrorCode.ANALYZER_FAILED) {
                writeSession(request, lease.get(), outcome);
            }
            return reply(request, outcome);
        } finally {
            sessions.releaseLock(lease.get()).ifPresent(error ->
                    log.warn("session {} lease was lost before release ({})", request.sessionId(), error));
        }
    }

    @Override
    public void cancel(String requestId) {
        runner.cancel(requestId);
    }

    private AnalyzerOutcome runTool(ToolRequest request, Consumer<ToolReply> progress) {
        return runner.run(request, (done, total, message) ->
                progress.accept(ToolReply.progress(request.requestId(), done, total, message, runnerId)));
    }

    /** The worker's session write: the same attributes, conditional on the lease's fence. */
    private void writeSession(ToolRequest request, LockLease lease, AnalyzerOutcome outcome) {
        SessionWrite write = sessions.compareAndSet(request.sessionId(), SessionStore.ANY_VERSION, lease.fence(),
                outcome.sessionAttributes(request), settings.sessionTtl());
        if (write.refusal().filter(ScriptError.STALE_FENCE::equals).isPresent()) {
            // only a lease that ran out can be overtaken; the answer itself is still this call's to give
            log.warn("call {}: the lease on session {} (fence {}) ran out while it ran; the session was not written",
                    request.requestId(), request.sessionId(), lease.fence());
        }
    }

    private ToolReply reply(ToolRequest request, AnalyzerOutcome outcome) {
        return outcome.toReply(request.requestId(), runnerId);
    }
}
