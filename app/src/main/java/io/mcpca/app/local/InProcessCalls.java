package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.ToolRunner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The ingress's local fallback: runs a call on this process's own warm analyzer pool through the same
 * {@link ToolRunner} the workers use, so a call answers the same in-process as through Redis. Calls of
 * one session still run one at a time: sessions are striped over a fixed set of locks (two sessions may
 * share a stripe and wait for each other; none runs two calls at once).
 */
public final class InProcessCalls implements LocalCalls {

    /** Stripes: many more than the analyzer processes, so unrelated sessions rarely wait for each other. */
    private static final int STRIPES = 64;

    private final ToolRunner runner;
    private final String runnerId;
    private final ReentrantLock[] sessions = new ReentrantLock[STRIPES];

    public InProcessCalls(ToolRunner runner, String runnerId) {
        this.runner = runner;
        this.runnerId = runnerId;
        for (int i = 0; i < STRIPES; i++) {
            sessions[i] = new ReentrantLock(true);
        }
    }

    @Override
    public ToolReply run(ToolRequest request, Consumer<ToolReply> progress) {
        ReentrantLock session = sessions[Math.floorMod(request.sessionId().hashCode(), STRIPES)];
        session.lock();
        try {
            AnalyzerOutcome outcome = runner.run(request, (done, total, message) ->
                    progress.accept(ToolReply.progress(request.requestId(), done, total, message, runnerId)));
            return outcome.succeeded()
                    ? ToolReply.result(request.requestId(), outcome.result(), runnerId)
                    : ToolReply.error(request.requestId(), outcome.error(), outcome.errorMessage(), runnerId);
        } finally {
            session.unlock();
        }
    }

    @Override
    public void cancel(String requestId) {
        runner.cancel(requestId);
    }
}
