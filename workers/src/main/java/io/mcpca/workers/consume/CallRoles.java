package io.mcpca.workers.consume;

import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.metrics.PoolMeters;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.DeadLetters;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.ToolRunner;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.shard.ShardRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * What one worker's pools share, and the one place the worker core's roles are wired for a pool ({@link #forPool}),
 * so the worker and its tests build the same core (the batcher's released leases reach the pool's admission, say).
 *
 * @param sessionlessTools tools that take the sessionless fast path
 * @param lockTtl          the session lease's time to live; the watchdog extends it every third
 * @param shardRecords     the shard records and entries of calls that run as shards
 */
public record CallRoles(StreamEntries entries, DeadLetters deadLetters, Set<String> sessionlessTools, CallStart starts,
                        ContentionBackoff contention, LockWatchdog watchdog, SessionLock lock,
                        ReplyPublisher progressReplies, ReplyBatcher batcher, ClaimRefresher claims,
                        HandBacks handBacks, Answers answers, AnalyzerAttempts.Retries retries,
                        ContentionBackoff.Sleeper sleeper, Duration lockTtl, Clock clock, String workerId,
                        ShardRecords shardRecords) {

    /**
     * The entry handler of one pool: its own tool runner (its analyzers), read-loop replies and start pipeline (a
     * connection of the loop's own, auto-flush off), every other collaborator shared.
     */
    public CallHandler forPool(ToolRunner runner, LoopReplies loopReplies,
                               RedisConnection<String, String> startPipeline) {
        return forPool(runner, loopReplies, startPipeline, PoolMeters.NONE, ResultCache.NONE);
    }

    /**
     * @param meters where the pool's lease waits are counted
     * @param cache  where a merged sharded call's answer is kept, as the runner keeps a call's
     */
    public CallHandler forPool(ToolRunner runner, LoopReplies loopReplies,
                               RedisConnection<String, String> startPipeline, PoolMeters meters,
                               ResultCache cache) {
        AnalyzerAttempts attempts = new AnalyzerAttempts(runner, progressReplies, retries, sleeper, clock, workerId);
        Admission admission = new Admission(runner, sessionlessTools, loopReplies,
                new Admission.Starts(starts, startPipeline, lockTtl, workerId), answers, new WaitingCalls(claims), clock);
        batcher.onLeaseReleased(admission::leaseReleased);
        return new CallHandler(entries, deadLetters, sessionlessTools, admission,
                new SessionlessRun(attempts, handBacks, answers, shardRecords),
                new LockedRun(starts, contention, watchdog, attempts, handBacks, answers, lock, lockTtl, workerId,
                        shardRecords, meters),
                new ShardRun(attempts, handBacks, shardRecords, batcher, progressReplies, cache, workerId));
    }
}
