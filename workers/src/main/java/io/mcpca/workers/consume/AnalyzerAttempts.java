package io.mcpca.workers.consume;

import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.ProgressListener;
import io.mcpca.workers.run.ToolRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call's tool on a call thread, forwarding its progress (throttled) to the caller's reply stream and
 * retrying an analyzer crash a few times with random doubling backoff within the call's deadline. Bad arguments
 * and every other error are never retried: only {@link ErrorCode#ANALYZER_FAILED} may pass with another process.
 */
public final class AnalyzerAttempts {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerAttempts.class);
    /** Progress is forwarded at most this often per call, so a 10,000-file walk does not flood the reply stream. */
    private static final long PROGRESS_INTERVAL_MS = 200;

    /**
     * @param transientRetries in-worker retries of an analyzer crash before the entry is handed back
     * @param retryBackoff     first retry's pause; doubles per retry, plus up to as much again at random
     */
    public record Retries(int transientRetries, Duration retryBackoff) {
    }

    private final ToolRunner runner;
    private final ReplyPublisher progressReplies;
    private final Retries retries;
    private final ContentionBackoff.Sleeper sleeper;
    private final Clock clock;
    private final String workerId;

    public AnalyzerAttempts(ToolRunner runner, ReplyPublisher progressReplies, Retries retries,
                            ContentionBackoff.Sleeper sleeper, Clock clock, String workerId) {
        this.runner = runner;
        this.progressReplies = progressReplies;
        this.retries = retries;
        this.sleeper = sleeper;
        this.clock = clock;
        this.workerId = workerId;
    }

    /** Whether an outcome is an analyzer crash that survived every retry: the entry goes back for another delivery. */
    public static boolean crashed(AnalyzerOutcome outcome) {
        return !outcome.succeeded() && outcome.error() == ErrorCode.ANALYZER_FAILED;
    }

    public AnalyzerOutcome run(ToolRequest request) throws InterruptedException {
        ProgressListener progress = throttledProgress(request);
        AnalyzerOutcome outcome = runner.run(request, progress);
        long pauseMs = retries.retryBackoff().toMillis();
        for (int retry = 1; retry <= retries.transientRetries() && crashed(outcome); retry++) {
            long pause = pauseMs + ThreadLocalRandom.current().nextLong(pauseMs + 1);
            if (clock.millis() + pause >= request.deadlineEpochMs()) {
                break;
            }
            log.info("call {}: analyzer failed ({}); retry {} of {} in {} ms", request.requestId(),
                    outcome.errorMessage(), retry, retries.transientRetries(), pause);
            sleeper.sleep(pause);
            pauseMs *= 2;
            outcome = runner.run(request, progress);
        }
        return outcome;
    }

    private ProgressListener throttledProgress(ToolRequest request) {
        long[] last = {0};
        return (progress, total, text) -> {
            long now = clock.millis();
            if (now - last[0] < PROGRESS_INTERVAL_MS) {
                return;
            }
            last[0] = now;
            try {
                progressReplies.publish(request.replyTo(),
                        ToolReply.progress(request.requestId(), progress, total, text, workerId));
            } catch (RuntimeException e) {
                log.debug("progress of {} not sent: {}", request.requestId(), e.getMessage());
            }
        };
    }
}
