package io.mcpca.workers.consume;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.mcpca.workers.metrics.PoolMeters;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of one pool in one worker. Lifecycle: 1. {@link #start} makes sure the pool's groups exist and
 * starts the loop; 2. the loop reads up to as many entries as there are free slots from all partitions
 * ({@code XREADGROUP ... BLOCK} on {@link LoopReplies}), has the {@link EntryHandler} admit the read on the loop
 * thread, and runs what is left on the executor, each entry held fresh by the {@link ClaimRefresher}; 3.
 * {@link #stop} stops reading, waits for calls in flight up to the grace period and for the replies to leave,
 * then hands back what is still pending. No error ends the loop: NOGROUP recreates the groups.
 */
public final class CallConsumer {

    private static final Logger log = LoggerFactory.getLogger(CallConsumer.class);
    /** Pause after a failed read (Redis down, say): long enough not to spin, short enough to resume fast. */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);
    /** Beyond a read's block: how long the loop's last replies and acknowledgements may take when it stops. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** At most this many entries beyond the free slots per read (after a read the loop answered itself). */
    private static final int MAX_EXTRA_READ = 512;
    /** Entries the handler may hold back on this thread (calls waiting for a busy session) before reading pauses. */
    private static final int MAX_HELD_BACK = 4_096;

    private final String pool;
    private final String consumerName;
    private final LoopReplies reads;
    private final ConsumerGroups groups;
    private final EntryHandler handler;
    private final ClaimRefresher claims;
    private final ExecutorService executor;
    private final Semaphore slots;
    private final int concurrency;
    private final Duration readBlock;
    private final Optional<ReplyBatcher> batcher;
    private final List<byte[]> lanes;
    /** Entries handed to the executor that have not started yet (read ahead, or waiting for a thread). */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong dispatched = new AtomicLong();
    private volatile int batchReadAhead;
    private volatile boolean running;
    private volatile PoolMeters meters = PoolMeters.NONE;
    private Thread loop;

    public CallConsumer(String pool, String consumerName, LoopReplies reads, ConsumerGroups groups,
                       EntryHandler handler, ClaimRefresher claims, ExecutorService executor, int concurrency,
                       Duration readBlock) {
        this(pool, consumerName, reads, groups, handler, claims, executor, concurrency, readBlock, Optional.empty());
    }

    /**
     * @param reads   the loop's read connection, which also carries the replies of calls the handler answered on
     *                the loop (the handler adds them; they leave with the next read)
     * @param batcher where the handler's other replies and acknowledgements wait to be sent; flushed before a
     *                stop hands back
     */
    public CallConsumer(String pool, String consumerName, LoopReplies reads, ConsumerGroups groups,
                       EntryHandler handler, ClaimRefresher claims, ExecutorService executor, int concurrency,
                       Duration readBlock, Optional<ReplyBatcher> batcher) {
        this.pool = pool;
        this.consumerName = consumerName;
        this.reads = reads;
        this.groups = groups;
        this.handler = handler;
        this.claims = claims;
        this.executor = executor;
        this.slots = new Semaphore(concurrency);
        this.concurrency = concurrency;
        this.readBlock = readBlock;
        this.batcher = batcher;
        List<byte[]> streams = groups.streamsOf(pool);
        this.lanes = streams.subList(streams.size() - groups.lanes(pool), streams.size());
    }

    /**
     * How many batch items a read may take beyond the free slots while a batch lane has a backlog (set once, before
     * it starts; 0 by default): they wait in the executor, behind any interactive call read meanwhile (an interactive
     * entry runs before every batch item waiting there), so a thread that finishes an item starts the next without
     * waiting for a read. For pools of short items only: in a pool of long ones it would hoard items other workers
     * could run (docs/decisions/036).
     */
    public void setBatchReadAhead(int items) {
        this.batchReadAhead = Math.max(0, items);
    }

    /** Where this loop counts (set once, before it starts). */
    public void setMeters(PoolMeters meters) {
        this.meters = meters;
    }

    public synchronized void start() {
        groups.ensure(pool);
        running = true;
        loop = new Thread(this::readLoop, "consumer-" + pool);
        loop.start();
    }

    public boolean isRunning() {
        return running;
    }

    public String pool() {
        return pool;
    }

    /** Runs an entry the reclaimer took over; it queues behind the calls in flight. */
    public void runReclaimed(StreamMessage<byte[], byte[]> message, int delivery) {
        dispatch(message, delivery, false);
    }

    /** Stops reading; calls in flight finish within {@code grace}; the rest is handed back to live workers. */
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
                // the loop's last read may block in Redis for readBlock before the loop's replies can drain
                loop.join(readBlock.plus(DRAIN_TIMEOUT).toMillis() + 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // answers of finished calls go out (and their entries are acknowledged) before the rest is handed back
        if (!batcher.map(b -> b.awaitIdle(grace)).orElse(true)) {
            log.warn("pool {}: replies not flushed within {}; their entries are handed back and may run again", pool,
                    grace);
        }
        List<String> streams = groups.streamsOf(pool).stream()
                .map(s -> new String(s, StandardCharsets.UTF_8)).toList();
        int handedBack = claims.handBackAll(pool, streams);
        if (handedBack > 0) {
            log.info("pool {}: handed back {} unfinished entries for live workers to take", pool, handedBack);
        }
    }

    private void readLoop() {
        // the calls this loop answers itself are sent by the batcher's flusher: the loop never waits for their batch
        batcher.ifPresent(b -> b.handOffFrom(Thread.currentThread()));
        try {
            readEntries();
        } finally {
            batcher.ifPresent(b -> b.stopHandingOffFrom(Thread.currentThread()));
        }
    }

    private void readEntries() {
        byte[] group = pool.getBytes(StandardCharsets.UTF_8);
        Consumer<byte[]> consumer = Consumer.from(group, consumerName.getBytes(StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        StreamOffset<byte[]>[] offsets = groups.streamsOf(pool).stream()
                .map(StreamOffset::lastConsumed).toArray(StreamOffset[]::new);
        LanePriority lanes = new LanePriority(offsets, this.lanes.size());
        int answeredAtOnce = 0;
        while (running) {
            int free;
            try {
                slots.acquire();
                // with read-ahead every finished batch item gives a permit (so an interactive entry appended
                // meanwhile is read as soon as a thread frees), which can give more permits than slots
                free = Math.min(concurrency, 1 + slots.drainPermits());
            } catch (InterruptedException e) {
                break;
            }
            List<StreamMessage<byte[], byte[]>> messages = List.of();
            // calls the handler holds back (a busy session) want another admission soon: block no longer
            Optional<Duration> retry = handler.retryIn();
            // and while answered entries wait for their acknowledgement, which leaves with the next read
            Duration block = reads.blockFor(retry.map(r -> r.compareTo(readBlock) < 0 ? r : readBlock)
                    .orElse(readBlock));
            try {
                if (handler.heldBack() >= MAX_HELD_BACK) {
                    // enough held back: let them drain before reading more
                    reads.send();
                    Thread.sleep(Math.max(1, block.toMillis()));
                } else {
                    // entries the loop answered itself last time took no slot: read that many more (a stream of
                    // pings is read hundreds at a time; a stream of real calls, as many as there are free slots)
                    // while a higher batch lane has a backlog the lower ones are left out, and such a read never
                    // blocks: once the higher lane is drained, the next read takes every lane again
                    int ahead = lanes.backlogged() ? Math.max(0, batchReadAhead - waiting.get()) : 0;
                    int count = free + answeredAtOnce + ahead;
                    StreamOffset<byte[]>[] streams = lanes.nextRead();
                    boolean blocks = block.toMillis() >= 1 && streams.length == offsets.length;
                    XReadArgs args = blocks ? XReadArgs.Builder.block(block.toMillis()).count(count)
                            : XReadArgs.Builder.count(count);
                    messages = reads.read(consumer, args, blocks ? block : Duration.ZERO, streams);
                    lanes.read(messages, count);
                }
            } catch (InterruptedException e) {
                break;
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
            // COUNT applies per stream, so a read over several partitions can return more entries than
            // free slots: the extra ones run too (queued in the executor, held and refreshed meanwhile).
            meters.consumed(messages.size());
            slots.release(Math.max(0, free - messages.size()));
            List<Optional<Runnable>> tasks = admit(messages, retry.isPresent());
            int atOnce = 0;
            for (int i = 0; i < messages.size(); i++) {
                StreamMessage<byte[], byte[]> message = messages.get(i);
                try {
                    Optional<Runnable> task = tasks.get(i);
                    if (task.isEmpty()) {
                        atOnce++;
                        if (i < free) {
                            slots.release();
                        }
                        continue;
                    }
                    dispatch(message, task.get(), i < free);
                } catch (RuntimeException e) {
                    // never let one entry end the loop; it stays pending and is reclaimed
                    log.error("pool {}: could not dispatch entry {}", pool, message.getId(), e);
                }
            }
            answeredAtOnce = Math.min(MAX_EXTRA_READ, atOnce * 2);
        }
        // the replies of calls answered on the loop, and the acknowledgements still owed, leave before the hand-back
        if (!reads.drain(readBlock.plus(DRAIN_TIMEOUT))) {
            log.warn("pool {}: replies of calls answered on the loop not confirmed; their entries stay pending", pool);
        }
        log.info("pool {}: stopped reading", pool);
    }

    /**
     * The handler's admission of one read ({@code holdsBack}: the handler held calls back, which want an
     * admission even when nothing new came); if it fails as a whole, every entry goes to a call thread as it is.
     */
    private List<Optional<Runnable>> admit(List<StreamMessage<byte[], byte[]>> messages, boolean holdsBack) {
        if (messages.isEmpty() && !holdsBack) {
            return List.of();
        }
        try {
            List<Optional<Runnable>> tasks = handler.admit(pool, messages);
            if (tasks.size() == messages.size()) {
                return tasks;
            }
            log.error("pool {}: admission returned {} tasks for {} entries; handling each on its own", pool,
                    tasks.size(), messages.size());
        } catch (RuntimeException e) {
            log.error("pool {}: admission of {} entries failed; handling each on its own", pool, messages.size(), e);
        }
        return EntryHandler.eachToHandle(handler, pool, messages);
    }

    private void dispatch(StreamMessage<byte[], byte[]> message, int delivery, boolean holdsSlot) {
        dispatch(message, () -> handler.handle(pool, message, delivery), holdsSlot);
    }

    private void dispatch(StreamMessage<byte[], byte[]> message, Runnable task, boolean holdsSlotAsRead) {
        boolean batch = lanes.stream().anyMatch(lane -> java.util.Arrays.equals(lane, message.getStream()));
        // with read-ahead, every finished batch item gives a permit: the loop reads again as soon as a thread frees
        boolean holdsSlot = holdsSlotAsRead || (batch && batchReadAhead > 0);
        String stream = new String(message.getStream(), StandardCharsets.UTF_8);
        claims.hold(pool, stream, message.getId());
        waiting.incrementAndGet();
        try {
            executor.execute(new Ranked(batch ? 1 : 0, dispatched.incrementAndGet(), () -> {
                waiting.decrementAndGet();
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // The handler answers every failure itself; this guard keeps the loop and the slot alive
                    // anyway. The entry stays pending: its idle time grows and a reclaim retries it.
                    log.error("pool {}: entry {} failed unexpectedly", pool, message.getId(), e);
                } finally {
                    claims.release(pool, stream, message.getId());
                    if (holdsSlot) {
                        slots.release();
                    }
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the entry stays pending; stop() hands it back to live workers.
            waiting.decrementAndGet();
            claims.release(pool, stream, message.getId());
            if (holdsSlot) {
                slots.release();
            }
        }
    }

    /** A pool's call threads: entries waiting for one start in {@link Ranked} order (interactive before batch). */
    public static ExecutorService callThreads(String pool, int threads) {
        AtomicInteger n = new AtomicInteger();
        return new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                new java.util.concurrent.PriorityBlockingQueue<>(), r -> new Thread(r, "call-" + pool + "-" + n.incrementAndGet()));
    }

    /**
     * A task in the executor's queue: interactive entries (rank 0) before batch items (rank 1), each in the order
     * dispatched. A {@code PriorityBlockingQueue} executor orders by it; a FIFO one ignores it.
     */
    public record Ranked(int rank, long sequence, Runnable task) implements Runnable, Comparable<Ranked> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Ranked other) {
            return rank != other.rank ? Integer.compare(rank, other.rank) : Long.compare(sequence, other.sequence);
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
