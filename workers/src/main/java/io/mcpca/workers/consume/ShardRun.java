package io.mcpca.workers.consume;

import com.fasterxml.jackson.databind.util.RawValue;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.Sharding;
import io.mcpca.workers.run.ToolRunner;
import io.mcpca.workers.shard.ShardRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of a call that runs as shards (decision 018), on a call thread, by fan-in: 1. run the shard
 * ({@code analyze-metrics-shard}) unless an earlier delivery stored its answer (an analyzer crash on every retry
 * hands the entry back, as for any call); 2. store its answer in the call's shard record, which says whether
 * this shard completes the set ({@code storeShard-1.lua}), and tell the caller how many shards are in;
 * 3. if not, acknowledge the entry: done; 4. if so, merge every shard's answer ({@code merge-shards}; a repository's answer gets its commit), keep the
 * merged answer under the whole call's result-cache key, and send it as the call's one reply (recording the
 * call's final state) with this entry's acknowledgement. No thread waits for another shard; a worker that dies
 * mid-merge leaves this entry pending, and its redelivery merges again.
 */
public final class ShardRun {

    private static final Logger log = LoggerFactory.getLogger(ShardRun.class);

    private final AnalyzerAttempts attempts;
    private final HandBacks handBacks;
    private final ShardRecords records;
    private final ReplyBatcher batcher;
    private final ReplyPublisher progress;
    private final ResultCache cache;
    private final String workerId;

    public ShardRun(AnalyzerAttempts attempts, HandBacks handBacks, ShardRecords records, ReplyBatcher batcher,
                    ReplyPublisher progress, ResultCache cache, String workerId) {
        this.attempts = attempts;
        this.handBacks = handBacks;
        this.records = records;
        this.batcher = batcher;
        this.progress = progress;
        this.cache = cache;
        this.workerId = workerId;
    }

    public void run(Delivered call) {
        ToolRequest shard = call.request();
        Map<String, Object> args = shard.arguments();
        if (!(args.get(Sharding.SHARD_OF) instanceof String parent)
                || !(args.get(Sharding.SHARD_INDEX) instanceof Number indexArg)
                || !(args.get(Sharding.SHARD_COUNT) instanceof Number countArg)) {
            log.warn("shard entry {} names no call, index or count; dropped", shard.requestId());
            records.acknowledge(call.pool(), call.message().getStream(), call.entryId());
            return;
        }
        int index = indexArg.intValue();
        int count = countArg.intValue();
        try {
            ShardRecords.Stored stored;
            if (records.stored(parent, index)) {
                stored = records.store(parent, index, false, "");
            } else {
                long started = System.nanoTime();
                AnalyzerOutcome outcome = attempts.run(shard);
                log.info("shard {} of {} of call {} ran in {} ms: {}", index, count, parent,
                        (System.nanoTime() - started) / 1_000_000, outcome.succeeded() ? "stored" : outcome.error());
                if (AnalyzerAttempts.crashed(outcome)) {
                    handBacks.handBack(call, outcome.errorMessage(), false);
                    return;
                }
                stored = outcome.succeeded() ? records.store(parent, index, false, outcome.result().text())
                        : records.store(parent, index, true, outcome.error().name() + " " + outcome.errorMessage());
            }
            if (stored.recordGone()) {
                log.info("shard {} of call {}: the call is over; dropped", index, parent);
            } else {
                publishProgress(shard, parent, stored);
            }
            if (!stored.merge()) {
                records.acknowledge(call.pool(), call.message().getStream(), call.entryId());
                return;
            }
            merge(call, parent, count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBacks.handBack(call, "the worker stopped mid-shard", false);
        }
    }

    private void merge(Delivered call, String parent, int count) throws InterruptedException {
        ToolRequest shard = call.request();
        long started = System.nanoTime();
        ShardRecords.Answers answers = records.answers(parent, count);
        AnalyzerOutcome merged;
        if (answers.firstError().isPresent()) {
            merged = failure(answers.firstError().get());
        } else {
            Map<String, Object> args = new LinkedHashMap<>(shard.arguments());
            List.of("shard", Sharding.SHARD_OF, Sharding.SHARD_INDEX, Sharding.SHARD_COUNT).forEach(args::remove);
            List<RawValue> results = new ArrayList<>(answers.results().size());
            answers.results().forEach(r -> results.add(new RawValue(r)));
            args.put("shards", results);
            merged = attempts.run(new ToolRequest(ToolRequest.VERSION, parent + "#merge", shard.sessionId(),
                    Sharding.MERGE_TOOL, args, shard.replyTo(), shard.deadlineEpochMs(), shard.correlationId(), ""));
            if (AnalyzerAttempts.crashed(merged)) {
                handBacks.handBack(call, merged.errorMessage(), false);
                return;
            }
            if (merged.succeeded() && shard.arguments().get(Sharding.COMMIT) instanceof String commit) {
                // analyze-repository's answer names its commit, as the unsharded call's does (ToolRunner)
                merged = AnalyzerOutcome.success(ToolRunner.withCommit(merged.result(), commit));
            }
            if (merged.succeeded()) {
                AnalyzerOutcome kept = merged;
                records.cacheKey(parent).ifPresent(key -> cache.put(key, kept.result()));
            }
        }
        ExecutionState state = merged.succeeded() ? ExecutionState.SUCCEEDED
                : merged.cancelled() ? ExecutionState.CANCELLED : ExecutionState.FAILED;
        log.info("call {}: {} shards merged by shard entry {} in {} ms (read, merge-shards, cache)", parent, count,
                shard.requestId(), (System.nanoTime() - started) / 1_000_000);
        batcher.complete(new ReplyBatcher.Completion(call.pool(), call.message().getStream(), call.entryId(),
                shard.replyTo(), merged.toReply(parent, workerId),
                Optional.of(new ReplyBatcher.Transition(shard.sessionId(), parent, state, merged.errorMessage()))));
    }

    /** A stored shard error ("CODE message") as the call's outcome. */
    private static AnalyzerOutcome failure(String stored) {
        int space = stored.indexOf(' ');
        String name = space < 0 ? stored : stored.substring(0, space);
        String message = space < 0 ? "" : stored.substring(space + 1);
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            code = ErrorCode.INTERNAL;
        }
        return code == ErrorCode.CANCELLED ? AnalyzerOutcome.cancelled(message) : AnalyzerOutcome.failure(code, message);
    }

    private void publishProgress(ToolRequest shard, String parent, ShardRecords.Stored stored) {
        try {
            progress.publish(shard.replyTo(), ToolReply.progress(parent, stored.done(), stored.count(),
                    stored.done() + " of " + stored.count() + " shards", workerId));
        } catch (RuntimeException e) {
            log.debug("progress of {} not sent: {}", parent, e.getMessage());
        }
    }
}
