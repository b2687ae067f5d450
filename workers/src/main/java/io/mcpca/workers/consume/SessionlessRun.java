package io.mcpca.workers.consume;

import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.shard.ShardRecords;

/**
 * The fast path of a tool whose contract is sessionless (ping): it neither reads nor writes the session, so it
 * takes no lease, fence, session write or execution record. Run (retrying an analyzer crash), then reply and
 * XACK through the batcher; a crash on every retry hands the entry back.
 */
public final class SessionlessRun {

    private final AnalyzerAttempts attempts;
    private final HandBacks handBacks;
    private final Answers answers;
    private final ShardRecords shardRecords;

    public SessionlessRun(AnalyzerAttempts attempts, HandBacks handBacks, Answers answers, ShardRecords shardRecords) {
        this.shardRecords = shardRecords;
        this.attempts = attempts;
        this.handBacks = handBacks;
        this.answers = answers;
    }

    public void run(Delivered call) {
        try {
            AnalyzerOutcome outcome = attempts.run(call.request());
            if (AnalyzerAttempts.crashed(outcome)) {
                handBacks.handBack(call, outcome.errorMessage(), false);
                return;
            }
            if (outcome.fannedOut()) {
                // a sessionless contract for a sharded tool: its shards answer it
                shardRecords.acknowledge(call.pool(), call.message().getStream(), call.entryId());
                return;
            }
            answers.answer(call, outcome);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBacks.handBack(call, "the worker stopped mid-call", false);
        }
    }
}
