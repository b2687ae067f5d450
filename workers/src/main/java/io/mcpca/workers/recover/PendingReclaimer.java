package io.mcpca.workers.recover;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.exec.IllegalTransitionException;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.consume.ConsumerGroups;
import io.mcpca.workers.consume.CallConsumer;
import io.mcpca.workers.metrics.PoolMeters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery for one pool: takes over entries whose worker died or stalled.
 *
 * <p>Lifecycle: 1. {@link #start} schedules a pass every reclaim period; 2. a pass runs
 * {@code XAUTOCLAIM} on each partition for entries idle longer than minIdle (live workers keep
 * theirs fresh, see {@link ClaimRefresher}); 3. each claimed entry's delivery count comes from
 * {@code XPENDING}: past maxDeliveries it goes to {@link DeadLetters}, else its execution goes back to
 * QUEUED (attempt = deliveries) and the consumer runs it; 4. {@link #close} stops the passes. A pass
 * that fails (Redis down, group gone) is logged and the next one tries again.
 */
public final class PendingReclaimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PendingReclaimer.class);
    /** Entries claimed per XAUTOCLAIM: a crashed worker held at most its concurrency; 100 drains a backlog quickly. */
    private static final int CLAIM_COUNT = 100;

    private final String pool;
    private final String workerId;
    private final RedisStreamCommands<byte[], byte[]> redis;
    private final ConsumerGroups groups;
    private final StreamEntries entries;
    private final ExecutionStore executions;
    private final DeadLetters deadLetters;
    private final CallConsumer consumer;
    private final Duration minIdle;
    private final Duration period;
    private final int maxDeliveries;
    private final ScheduledExecutorService timer;
    private volatile PoolMeters meters = PoolMeters.NONE;

    public PendingReclaimer(String pool, String workerId, RedisStreamCommands<byte[], byte[]> redis,
                            ConsumerGroups groups, StreamEntries entries, ExecutionStore executions,
                            DeadLetters deadLetters, CallConsumer consumer, Duration minIdle, Duration period,
                            int maxDeliveries) {
        this.pool = pool;
        this.workerId = workerId;
        this.redis = redis;
        this.groups = groups;
        this.entries = entries;
        this.executions = executions;
        this.deadLetters = deadLetters;
        this.consumer = consumer;
        this.minIdle = minIdle;
        this.period = period;
        this.maxDeliveries = maxDeliveries;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reclaimer-" + pool);
            t.setDaemon(true);
            return t;
        });
    }

    /** Where this reclaimer counts (set once, before it starts). */
    public void setMeters(PoolMeters meters) {
        this.meters = meters;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::reclaimIdleEntries, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the pool's partitions; returns how many entries it took over. */
    public int reclaimIdleEntries() {
        int taken = 0;
        byte[] group = pool.getBytes(StandardCharsets.UTF_8);
        Consumer<byte[]> me = Consumer.from(group, workerId.getBytes(StandardCharsets.UTF_8));
        for (byte[] stream : groups.streamsOf(pool)) {
            try {
                String cursor = "0-0";
                do {
                    ClaimedMessages<byte[], byte[]> claimed = redis.xautoclaim(stream,
                            XAutoClaimArgs.Builder.xautoclaim(me, minIdle, cursor).count(CLAIM_COUNT));
                    for (StreamMessage<byte[], byte[]> message : claimed.getMessages()) {
                        takeOver(stream, group, message);
                        taken++;
                    }
                    cursor = claimed.getId();
                } while (!"0-0".equals(cursor) && consumer.isRunning());
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    groups.ensure(pool);
                } else {
                    log.warn("pool {}: reclaim pass failed: {}", pool, e.getMessage());
                }
            } catch (RuntimeException e) {
                // Never let one failure end the schedule: the next pass tries again.
                log.warn("pool {}: reclaim pass failed: {}", pool, e.toString());
            }
        }
        return taken;
    }

    private void takeOver(byte[] stream, byte[] group, StreamMessage<byte[], byte[]> message) {
        meters.reclaimed();
        int deliveries = deliveriesOf(stream, group, message.getId());
        ToolRequest request;
        try {
            request = entries.decodeRequest(message.getBody());
        } catch (WireFormatException e) {
            deadLetters.undecodable(pool, message, deliveries, e.getMessage());
            return;
        }
        if (deliveries > maxDeliveries) {
            deadLetters.exhausted(pool, message, request, deliveries, maxDeliveries);
            return;
        }
        log.info("pool {}: reclaimed call {} (delivery {})", pool, request.requestId(), deliveries);
        try {
            executions.transitionAtAttempt(request.sessionId(), request.requestId(), ExecutionState.QUEUED,
                    deliveries, workerId, "reclaimed after " + minIdle.toMillis() + " ms idle");
        } catch (IllegalTransitionException alreadyQueuedOrFinal) {
            // handed back (already QUEUED), or finished but not acknowledged: the consumer sorts it out
        }
        meters.redelivered();
        consumer.runReclaimed(message, deliveries);
    }

    private int deliveriesOf(byte[] stream, byte[] group, String id) {
        List<PendingMessage> pending = redis.xpending(stream, group, Range.create(id, id), Limit.from(1));
        return pending.isEmpty() ? 1 : (int) pending.get(0).getRedeliveryCount();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
