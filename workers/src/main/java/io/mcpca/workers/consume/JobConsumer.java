package io.mcpca.workers.consume;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisStreamCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of one pool in one worker.
 *
 * <p>Lifecycle: 1. {@link #start} makes sure the pool's groups exist and starts the loop thread;
 * 2. the loop waits for a free slot, then reads up to as many entries as there are free slots from
 * all partitions at once ({@code XREADGROUP ... BLOCK}); 3. each entry goes to the executor, which
 * runs it through {@link CallExecution} and frees the slot; 4. {@link #stop} ends reading at once,
 * then waits for the calls in flight up to the grace period. No error ends the loop: NOGROUP
 * recreates the groups, anything else is logged and retried after a pause.
 */
public final class JobConsumer {

    private static final Logger log = LoggerFactory.getLogger(JobConsumer.class);
    /** Pause after a failed read (Redis down, say): long enough not to spin, short enough to resume fast. */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);

    private final String pool;
    private final String consumerName;
    private final RedisStreamCommands<byte[], byte[]> blockingRedis;
    private final ConsumerGroups groups;
    private final CallExecution execution;
    private final ExecutorService executor;
    private final Semaphore slots;
    private final Duration readBlock;
    private volatile boolean running;
    private Thread loop;

    public JobConsumer(String pool, String consumerName, RedisStreamCommands<byte[], byte[]> blockingRedis,
                       ConsumerGroups groups, CallExecution execution, ExecutorService executor,
                       int concurrency, Duration readBlock) {
        this.pool = pool;
        this.consumerName = consumerName;
        this.blockingRedis = blockingRedis;
        this.groups = groups;
        this.execution = execution;
        this.executor = executor;
        this.slots = new Semaphore(concurrency);
        this.readBlock = readBlock;
    }

    public synchronized void start() {
        groups.ensure(pool);
        running = true;
        loop = new Thread(this::readLoop, "consumer-" + pool);
        loop.start();
    }

    /** Stops reading; calls in flight finish (or are handed back by recovery) within {@code grace}. */
    public void stop(Duration grace) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("pool {}: calls still running after {}; their entries stay pending for reclaim", pool, grace);
                executor.shutdownNow();
            }
            if (loop != null) {
                loop.join(readBlock.toMillis() + 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readLoop() {
        byte[] group = pool.getBytes(StandardCharsets.UTF_8);
        Consumer<byte[]> consumer = Consumer.from(group, consumerName.getBytes(StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        StreamOffset<byte[]>[] offsets = groups.streamsOf(pool).stream()
                .map(StreamOffset::lastConsumed).toArray(StreamOffset[]::new);
        while (running) {
            int free;
            try {
                slots.acquire();
                free = 1 + slots.drainPermits();
            } catch (InterruptedException e) {
                break;
            }
            List<StreamMessage<byte[], byte[]>> messages = List.of();
            try {
                messages = blockingRedis.xreadgroup(consumer,
                        XReadArgs.Builder.block(readBlock).count(free), offsets);
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    log.warn("pool {}: consumer group missing (Redis restarted or stream deleted); recreating", pool);
                    recreateGroups();
                } else {
                    pauseAfter(e);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                pauseAfter(e);
            }
            slots.release(free - messages.size());
            for (StreamMessage<byte[], byte[]> message : messages) {
                dispatch(message);
            }
        }
        log.info("pool {}: stopped reading", pool);
    }

    private void dispatch(StreamMessage<byte[], byte[]> message) {
        try {
            executor.execute(() -> {
                try {
                    execution.run(pool, message);
                } catch (RuntimeException e) {
                    // CallExecution answers every failure itself; this is a bug guard so the slot is never lost.
                    log.error("pool {}: call {} failed unexpectedly", pool, message.getId(), e);
                } finally {
                    slots.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the entry stays pending and is reclaimed by a live worker.
            slots.release();
        }
    }

    private void recreateGroups() {
        try {
            groups.ensure(pool);
        } catch (RuntimeException e) {
            pauseAfter(e);
        }
    }

    private void pauseAfter(RuntimeException e) {
        log.warn("pool {}: read failed ({}); retrying in {} ms", pool, e.getMessage(), ERROR_PAUSE.toMillis());
        try {
            Thread.sleep(ERROR_PAUSE.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
