package io.mcpca.workers.consume;

import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.metrics.LeaseWait;
import io.mcpca.workers.metrics.PoolMeters;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.shard.ShardRecords;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session-locked call on a call thread: 1. take the session's lease with its fence and record RUNNING in one
 * script ({@link CallStart}), backing off at random while another call of the session runs, until the call's
 * deadline (then DEADLINE_EXCEEDED); a call already final was answered before: its kept reply goes again;
 * 2. run the tool with the watchdog extending the lease (analyzer crashes retried; a crash on every retry hands
 * the entry back); 3. finish it under the fence ({@link Answers#finishLocked}), or, for a call that now runs as
 * shards, acknowledge its entry without a reply (the merging shard answers it). A lease not handed to the finish
 * is released here.
 */
public final class LockedRun {

    private static final Logger log = LoggerFactory.getLogger(LockedRun.class);

    private final CallStart starts;
    private final ContentionBackoff contention;
    private final LockWatchdog watchdog;
    private final AnalyzerAttempts attempts;
    private final HandBacks handBacks;
    private final Answers answers;
    private final SessionLock lock;
    private final Duration lockTtl;
    private final String workerId;
    private final ShardRecords shardRecords;
    private final PoolMeters meters;

    /**
     * @param lockTtl the session lease's time to live; the watchdog extends it every third
     * @param meters  where the lease waits of its pool are counted
     */
    public LockedRun(CallStart starts, ContentionBackoff contention, LockWatchdog watchdog, AnalyzerAttempts attempts,
                     HandBacks handBacks, Answers answers, SessionLock lock, Duration lockTtl, String workerId,
                     ShardRecords shardRecords, PoolMeters meters) {
        this.shardRecords = shardRecords;
        this.starts = starts;
        this.contention = contention;
        this.watchdog = watchdog;
        this.attempts = attempts;
        this.handBacks = handBacks;
        this.answers = answers;
        this.lock = lock;
        this.lockTtl = lockTtl;
        this.workerId = workerId;
        this.meters = meters;
    }

    public void run(Delivered call) {
        ToolRequest request = call.request();
        LeaseWait wait = LeaseWait.begin(meters);
        Optional<CallStart.Started> started = contention.retry(wait.counting(() -> starts.tryStart(request.sessionId(),
                request.requestId(), call.delivery(), workerId, lockTtl)), request.deadlineEpochMs());
        wait.end();
        if (started.isPresent() && started.get().alreadyFinal()) {
            answers.answerAgain(call);
            return;
        }
        Optional<LockLease> lease = started.flatMap(CallStart.Started::lease);
        if (lease.isEmpty()) {
            answers.busyUntilDeadline(call);
            return;
        }
        runStarted(call, lease.get());
    }

    private void runStarted(Delivered call, LockLease lease) {
        boolean handedOver = false;
        try (AutoCloseable watched = watchdog.watch(lease)) {
            AnalyzerOutcome outcome = attempts.run(call.request());
            if (AnalyzerAttempts.crashed(outcome)) {
                handBacks.handBack(call, outcome.errorMessage(), true);
                return;
            }
            watched.close();
            if (outcome.fannedOut()) {
                // its shards answer it; the lease is released below, the record stays RUNNING until the merge
                shardRecords.acknowledge(call.pool(), call.message().getStream(), call.entryId());
                return;
            }
            answers.finishLocked(call, lease, outcome);
            handedOver = true;
        } catch (InterruptedException e) {
            // shutdown past its grace period: someone else finishes the call
            Thread.currentThread().interrupt();
            handBacks.handBack(call, "the worker stopped mid-call", true);
        } catch (Exception e) {
            log.warn("call {} of session {} failed: {}", call.request().requestId(), call.request().sessionId(),
                    e.toString());
            answers.fail(call, ErrorCode.INTERNAL, "the worker failed: " + e.getMessage(), ExecutionState.FAILED);
        } finally {
            if (!handedOver) {
                releaseQuietly(lease);
            }
        }
    }

    private void releaseQuietly(LockLease lease) {
        try {
            lock.release(lease).ifPresent(error ->
                    log.warn("session {} lease was lost before release ({})", lease.sessionId(), error));
        } catch (RuntimeException e) {
            log.warn("session {} lease not released ({}); it expires by itself", lease.sessionId(), e.getMessage());
        }
    }
}
