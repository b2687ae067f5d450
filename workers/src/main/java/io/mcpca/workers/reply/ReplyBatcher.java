package io.mcpca.workers.reply;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.exec.IllegalTransitionException;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.shared.redis.ReplicatedWrites;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.session.SessionWrite;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.workers.batch.BatchOutcomes;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.metrics.WorkerMeters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes calls in batches (group commit): per lane, a flusher thread sends whatever has gathered in three
 * pipelined round trips, in this order: 0. the finish scripts of session-locked calls ({@link CallFinish}; a call
 * whose finish was refused for a stale fence is not answered), 1. the replies and other record transitions,
 * 2. one XACK per stream for the entries whose reply was written (a batch item's reply is its outcome in its batch,
 * {@link #recordBatchItems}), awaited only when 3. kept replies of acknowledged calls are then deleted (unawaited);
 * otherwise settled when Redis confirms them, and {@link #awaitIdle} waits for that. So an XACK never precedes its
 * reply. A session's calls always take the same lane, so its
 * answers keep their order. Lifecycle: {@link #start}, {@link #complete}, {@link #awaitIdle}, {@link #close}.
 *
 * <p>Who sends: whoever holds the lane's lock, taking what is queued in order. A call thread whose lane is idle
 * (lock free) sends its own reply at once instead of waking the lane's flusher (one thread wake-up less on the
 * answer's way, docs/decisions/019); while a lane is sending, new completions queue and the flusher sends them as
 * one batch when the lock is free. Either way one batch's three steps run under the lock, so the order above and
 * a session's answer order hold.
 */
public final class ReplyBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplyBatcher.class);
    /** Calls per pipeline: 512 replies of a few hundred bytes are ~100 KB, one socket write or two. */
    private static final int MAX_BATCH = 512;
    /** Wait for a pipeline's answers: far above any healthy Redis, short enough to notice one that hangs. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    /** A call's final state to record with its reply (session-locked calls only). */
    public record Transition(String sessionId, String requestId, ExecutionState state, String reason) {
    }

    /**
     * One finished call: its reply, the record to write (if any), the entry to acknowledge, and the execution
     * record that kept a copy of the reply until the acknowledgement ({@link io.mcpca.shared.exec.CallFinish}),
     * whose copy is deleted once the entry is acknowledged.
     */
    public record Completion(String pool, byte[] stream, String entryId, String replyTo, ToolReply reply,
                             Optional<Transition> record, Optional<String> keptReplyRecord,
                             Optional<CallFinish.Finish> finish) {

        public Completion(String pool, byte[] stream, String entryId, String replyTo, ToolReply reply,
                          Optional<Transition> record) {
            this(pool, stream, entryId, replyTo, reply, record, Optional.empty(), Optional.empty());
        }

        public Completion(String pool, byte[] stream, String entryId, String replyTo, ToolReply reply,
                          Optional<Transition> record, Optional<String> keptReplyRecord) {
            this(pool, stream, entryId, replyTo, reply, record, keptReplyRecord, Optional.empty());
        }

        /**
         * A session-locked call whose finish script ({@link CallFinish}: session write under the fence, lease
         * release, final record keeping the reply) runs first; its reply goes out only if that succeeded.
         */
        public static Completion finishing(String pool, byte[] stream, String entryId, String replyTo,
                                           CallFinish.Finish finish, String recordKey) {
            return new Completion(pool, stream, entryId, replyTo, finish.reply(), Optional.empty(),
                    Optional.of(recordKey), Optional.of(finish));
        }
    }

    private final StreamEntries entries;
    private final ExecutionStore executions;
    private final CallFinish finishes;
    private final List<Consumer<String>> leaseListeners = new CopyOnWriteArrayList<>();
    private volatile Optional<LockWatchdog> lostLeases = Optional.empty();
    private volatile Optional<BatchOutcomes> batchOutcomes = Optional.empty();
    private final String workerId;
    private final XAddArgs replyArgs;
    private final AtomicLong outstanding = new AtomicLong();
    private final Object idle = new Object();
    private volatile boolean running;
    private volatile boolean closed;
    /**
     * One flusher thread per lane, each with connections of its own (auto-flush off): batches overlap. The lock is
     * held for a whole batch (drain and send): by the flusher, or by a call thread that found the lane idle.
     */
    private record Lane(RedisConnection<byte[], byte[]> streams, RedisConnection<String, String> scripts,
                        BlockingQueue<Completion> queue, ReentrantLock sending, AtomicReference<Thread> flusher,
                        AtomicReference<ReplicatedWrites> replies) {
    }

    private final List<Lane> lanes = new ArrayList<>();
    /** Threads whose completions always go to the flusher (the read loops). */
    private final Set<Thread> handOffThreads = ConcurrentHashMap.newKeySet();
    private final List<Thread> flushers = new ArrayList<>();
    private volatile WorkerMeters meters = WorkerMeters.NONE;
    private volatile ReplicaWait durability = ReplicaWait.NONE;

    /**
     * @param streams dedicated connection for replies and acks; its auto-flush is turned off here
     * @param scripts dedicated connection for execution records; its auto-flush is turned off here
     */
    public ReplyBatcher(RedisConnection<byte[], byte[]> streams, RedisConnection<String, String> scripts,
                        StreamEntries entries, ExecutionStore executions, CallFinish finishes, String workerId,
                        long replyMaxLen) {
        this.finishes = finishes;
        this.entries = entries;
        this.executions = executions;
        this.workerId = workerId;
        this.replyArgs = ReplyPublisher.replyArgs(replyMaxLen);
        addLane(streams, scripts);
    }

    /** Where this batcher counts its acknowledgements, by pool (set once, before it starts). */
    public void setMeters(WorkerMeters meters) {
        this.meters = meters;
    }

    /**
     * Replicas that must confirm a batch's replies before its entries are acknowledged ({@code mcpca.redis.wait-replicas};
     * set once, before it starts): one WAIT per batch, pipelined behind the replies (on a Cluster, one per node
     * connection the batch's replies went on).
     */
    public synchronized void setDurability(ReplicaWait durability) {
        this.durability = durability;
        lanes.forEach(lane -> lane.replies().set(durability.on(lane.streams())));
    }

    /** Another flusher with its own two connections (their auto-flush is turned off here); before {@link #start}. */
    public synchronized void addLane(RedisConnection<byte[], byte[]> streams,
                                     RedisConnection<String, String> scripts) {
        streams.setAutoFlushCommands(false);
        scripts.setAutoFlushCommands(false);
        lanes.add(new Lane(streams, scripts, new LinkedBlockingQueue<>(), new ReentrantLock(),
                new AtomicReference<>(), new AtomicReference<>(durability.on(streams))));
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < lanes.size(); i++) {
            Lane mine = lanes.get(i);
            Thread flusher = new Thread(() -> flushLoop(mine), "reply-batcher-" + (i + 1));
            flusher.setDaemon(true);
            mine.flusher().set(flusher);
            flusher.start();
            flushers.add(flusher);
        }
    }

    public void complete(Completion completion) {
        if (closed) {
            // a call that outlived its worker's grace period: its entry was handed back, another worker answers it
            log.info("entry {} finished after the reply batcher closed; it stays pending for another worker",
                    completion.entryId());
            return;
        }
        outstanding.incrementAndGet();
        // a session's calls always take the same lane, so their answers leave in the order they finished
        String key = completion.finish().map(CallFinish.Finish::sessionId)
                .or(() -> completion.record().map(Transition::sessionId)).orElse(completion.entryId());
        Lane lane = lanes.get(Math.floorMod(key.hashCode(), lanes.size()));
        lane.queue().add(completion);
        // an idle lane: this thread sends (its own completion, and whatever queued before it) without waking the
        // flusher; a busy one: the flusher sends it with the next batch, as soon as the lane is free. Not a read
        // loop (it must not wait for Redis: its next read would wait too), nor an interrupted thread (its waits for
        // the confirmations would end at once, leaving answered entries unacknowledged)
        Thread current = Thread.currentThread();
        if (running && !current.isInterrupted() && !handOffThreads.contains(current) && lane.sending().tryLock()) {
            try {
                sendQueued(lane);
            } finally {
                lane.sending().unlock();
            }
        }
        if (!lane.queue().isEmpty()) {
            Thread flusher = lane.flusher().get();
            if (flusher != null) {
                LockSupport.unpark(flusher);
            }
        }
    }

    /**
     * Completions made on {@code thread} are always handed to the flusher, never sent on it: a read loop's thread,
     * whose next read (and every call it admits) would otherwise wait for this batch's round trips.
     */
    public void handOffFrom(Thread thread) {
        handOffThreads.add(thread);
    }

    /** Forgets a thread given to {@link #handOffFrom} (its loop ended). */
    public void stopHandingOffFrom(Thread thread) {
        handOffThreads.remove(thread);
    }

    /**
     * Records the outcome of every batch item this batcher answers in its batch, in the reply's pipeline and before
     * the XACK (an outcome not confirmed leaves the entry pending: a redelivery records it, exactly once).
     */
    public void recordBatchItems(BatchOutcomes outcomes) {
        this.batchOutcomes = Optional.of(outcomes);
    }

    /**
     * Has {@code watchdog} release the lease of a call whose finish Redis did not take (its master died, say) as
     * soon as Redis takes writes again, instead of leaving the session to wait out the lease's TTL.
     */
    public void releaseLostLeasesWith(LockWatchdog watchdog) {
        this.lostLeases = Optional.of(watchdog);
    }

    /** Waits until every completion queued so far is flushed; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (outstanding.get() > 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The lane's flusher: parks until a completion is queued (woken by {@link #complete}, or every 200 ms to look),
     * then sends what is queued under the lane's lock, one batch at a time; after the stop, until the queue is empty.
     */
    private void flushLoop(Lane lane) {
        BlockingQueue<Completion> queue = lane.queue();
        while (running || !queue.isEmpty()) {
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
                if (Thread.interrupted() && !running) {
                    break;
                }
                continue;
            }
            lane.sending().lock();
            try {
                sendQueued(lane);
            } finally {
                lane.sending().unlock();
            }
        }
    }

    /** Sends one batch of what is queued on the lane, in order; the caller holds the lane's lock. */
    private void sendQueued(Lane lane) {
        List<Completion> batch = new ArrayList<>(Math.min(MAX_BATCH, lane.queue().size() + 1));
        lane.queue().drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
            return;
        }
        CompletionStage<Void> acknowledged;
        try {
            acknowledged = flush(lane, batch);
        } catch (RuntimeException e) {
            // never let one bad batch end the loop: its entries stay pending and are reclaimed
            log.warn("a batch of {} replies failed: {}", batch.size(), e.toString());
            acknowledged = CompletableFuture.completedFuture(null);
        }
        // the batch counts as outstanding (awaitIdle) until its acknowledgements are settled
        acknowledged.whenComplete((done, error) -> settled(batch.size()));
    }

    private void settled(int completions) {
        outstanding.addAndGet(-completions);
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /**
     * Sends one batch: the finish scripts of session-locked calls (if any) first, then the replies and records
     * of what may be answered, then the acks of the entries whose reply was written. Completes when the acks are
     * settled: the sender waits for them only when kept replies are to be forgotten after them; otherwise they are
     * counted when Redis confirms them, on the connection's I/O thread, and the sender (a call thread, say) goes
     * on: one thread block and wake-up per batch fewer (decision 019). Either way each XACK is written only after
     * its reply was confirmed.
     */
    private CompletionStage<Void> flush(Lane lane, List<Completion> all) {
        long until = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
        List<Completion> batch = finishFirst(lane, all, until);
        ReplicatedWrites.Batch replicated = lane.replies().get().batch();
        List<CompletableFuture<String>> replies = new ArrayList<>(batch.size());
        List<RedisFuture<Long>> records = new ArrayList<>(batch.size());
        List<Optional<BatchOutcomes.Prepared>> items = new ArrayList<>(batch.size());
        List<RedisFuture<Long>> itemRecords = new ArrayList<>(batch.size());
        for (Completion c : batch) {
            Optional<BatchOutcomes.Prepared> item = batchOutcomes.flatMap(o -> o.prepare(c.reply(), workerId));
            items.add(item);
            itemRecords.add(item.map(p -> batchOutcomes.get().recordAsync(lane.scripts().async(), p)).orElse(null));
            // a batch item's answer is its outcome in the batch: no one waits on a reply stream for it
            byte[] replyTo = c.replyTo().getBytes(StandardCharsets.UTF_8);
            replies.add(item.isPresent() ? null : replicated.write(replyTo,
                    commands -> commands.xadd(replyTo, replyArgs, entries.encode(c.reply()))));
            records.add(c.record().map(r -> executions.transitionPipelined(lane.scripts().async(), r.sessionId(),
                    r.requestId(), r.state(), workerId, r.reason())).orElse(null));
        }
        replicated.sendWaits();
        lane.streams().flushCommands();
        lane.scripts().flushCommands();
        Map<String, List<String>> acks = new LinkedHashMap<>();
        Map<String, Completion> ackTarget = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Completion c = batch.get(i);
            settleRecord(c, records.get(i), until);
            boolean itemRecorded = items.get(i).isEmpty()
                    || settleBatchItem(items.get(i).get(), itemRecords.get(i), until);
            boolean replied = replies.get(i) == null || await(replies.get(i), until, "reply to " + c.reply().requestId());
            if (replied && itemRecorded) {
                // written, or dropped by NOMKSTREAM because its ingress is gone: either way the call is done
                String key = ackKey(c);
                acks.computeIfAbsent(key, k -> new ArrayList<>()).add(c.entryId());
                ackTarget.putIfAbsent(key, c);
            }
        }
        // short of replicas, the entries are acknowledged all the same (counted): the replies are on their master, and
        // replication keeps order, so a replica that has an XACK has its reply too; holding the XACKs back would only
        // run the calls again
        replicated.confirm("a batch of " + batch.size() + " replies", until);
        List<RedisFuture<Long>> acked = new ArrayList<>(acks.size());
        List<String> ackKeys = new ArrayList<>(acks.size());
        acks.forEach((key, ids) -> {
            Completion c = ackTarget.get(key);
            ackKeys.add(key);
            acked.add(lane.streams().async().xack(c.stream(), c.pool().getBytes(StandardCharsets.UTF_8),
                    ids.toArray(String[]::new)));
        });
        lane.streams().flushCommands();
        if (batch.stream().noneMatch(c -> c.keptReplyRecord().isPresent())) {
            CompletableFuture<?>[] counted = new CompletableFuture<?>[acked.size()];
            for (int i = 0; i < acked.size(); i++) {
                String pool = ackTarget.get(ackKeys.get(i)).pool();
                counted[i] = acked.get(i).toCompletableFuture().handle((n, error) -> {
                    if (error != null) {
                        log.warn("xack failed: {}", error.toString());
                    } else {
                        meters.pool(pool).acknowledged(n);
                    }
                    return null;
                });
            }
            return CompletableFuture.allOf(counted);
        }
        Set<String> ackedKeys = new HashSet<>();
        for (int i = 0; i < acked.size(); i++) {
            if (await(acked.get(i), until, "xack")) {
                ackedKeys.add(ackKeys.get(i));
                meters.pool(ackTarget.get(ackKeys.get(i)).pool())
                        .acknowledged(acked.get(i).toCompletableFuture().getNow(0L));
            }
        }
        forgetKeptReplies(lane, batch, ackedKeys);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Acknowledged entries are never delivered again: their records need not keep the reply any longer. Not
     * waited for (a failed delete leaves a copy that expires with its record).
     */
    private void forgetKeptReplies(Lane lane, List<Completion> batch, Set<String> ackedKeys) {
        boolean any = false;
        for (Completion c : batch) {
            if (c.keptReplyRecord().isPresent() && ackedKeys.contains(ackKey(c))) {
                lane.scripts().async().hdel(c.keptReplyRecord().get(), CallFinish.replyField());
                any = true;
            }
        }
        if (any) {
            lane.scripts().flushCommands();
        }
    }

    /**
     * Runs the finish scripts of the batch's session-locked calls, pipelined; returns the completions that may
     * be answered: every one without a finish, and those whose finish was written. A stale fence (the lease was
     * lost while the call ran: another worker owns it now) drops the call unanswered; a failed write leaves the
     * entry pending for a reclaim.
     */
    private List<Completion> finishFirst(Lane lane, List<Completion> batch, long until) {
        if (batch.stream().noneMatch(c -> c.finish().isPresent())) {
            return batch;
        }
        List<RedisFuture<Long>> finished = new ArrayList<>(batch.size());
        for (Completion c : batch) {
            finished.add(c.finish().map(f -> finishes.finishAsync(lane.scripts().async(), f)).orElse(null));
        }
        lane.scripts().flushCommands();
        List<Completion> answerable = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Completion c = batch.get(i);
            if (finished.get(i) == null) {
                answerable.add(c);
            } else if (finishWritten(c.finish().orElseThrow(), finished.get(i), until)) {
                answerable.add(c);
                String session = c.finish().orElseThrow().sessionId();
                leaseListeners.forEach(l -> l.accept(session));
            }
        }
        return answerable;
    }

    /**
     * Tells {@code listener} the session id of every lease a finish script released, as it happens (on the
     * sending thread, a flusher or a call thread: the listener must only hand the id over), so a call waiting for
     * that session can go.
     */
    public void onLeaseReleased(Consumer<String> listener) {
        leaseListeners.add(listener);
    }

    private void releaseLost(CallFinish.Finish f) {
        String session = f.sessionId();
        lostLeases.ifPresent(watchdog -> watchdog.releaseLost(f.lease(),
                () -> leaseListeners.forEach(listener -> listener.accept(session))));
    }

    private boolean finishWritten(CallFinish.Finish f, RedisFuture<Long> result, long until) {
        SessionWrite write;
        try {
            write = CallFinish.outcome(result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            if (!LuaScript.worthRunningAgain(e.getCause())) {
                log.warn("call {}: finish not written ({}); its entry stays pending for a reclaim", f.requestId(),
                        e.getCause().toString());
                releaseLost(f);
                return false;
            }
            try {
                write = finishes.finish(f); // scripts flushed (reloads it) or its slot migrating (retries)
            } catch (RuntimeException again) {
                log.warn("call {}: finish not written ({}); its entry stays pending for a reclaim", f.requestId(),
                        again.toString());
                releaseLost(f);
                return false;
            }
        } catch (TimeoutException e) {
            log.warn("call {}: finish not confirmed within {}; its entry stays pending for a reclaim",
                    f.requestId(), FLUSH_TIMEOUT);
            releaseLost(f);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (write.refusal().filter(ScriptError.STALE_FENCE::equals).isPresent()) {
            log.warn("call {}: the lease on session {} (fence {}) was lost while it ran; another worker owns the "
                    + "call now, this result is dropped", f.requestId(), f.sessionId(), f.lease().fence());
            return false;
        }
        return true;
    }

    /** Entries acknowledged together: one XACK per pool and stream. */
    static String ackKey(Completion c) {
        return c.pool() + '\u0000' + new String(c.stream(), StandardCharsets.UTF_8);
    }

    private void settleRecord(Completion c, RedisFuture<Long> record, long until) {
        if (record == null) {
            return;
        }
        Transition t = c.record().orElseThrow();
        try {
            long result = record.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (ScriptError.of(result).isPresent()) {
                log.warn("call {}: execution record not moved to {} (it is in a state that does not allow it)",
                        t.requestId(), t.state());
            }
        } catch (ExecutionException e) {
            if (LuaScript.worthRunningAgain(e.getCause())) {
                retrySync(t); // scripts flushed (the store reloads it) or its slot migrating (retries)
            } else {
                log.warn("call {}: execution record not written: {}", t.requestId(), e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.warn("call {}: execution record not confirmed within {}", t.requestId(), FLUSH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the batch item's outcome is in Redis (recorded now or before, or its batch is gone). */
    private boolean settleBatchItem(BatchOutcomes.Prepared item, RedisFuture<Long> result, long until) {
        try {
            result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            if (LuaScript.worthRunningAgain(e.getCause())) {
                try {
                    batchOutcomes.orElseThrow().record(item); // scripts flushed or its slot migrating: run again
                    return true;
                } catch (RuntimeException again) {
                    log.warn("batch item {}: outcome not recorded ({})", item.item().requestId(), again.toString());
                    return false;
                }
            }
            log.warn("batch item {}: outcome not recorded ({}); its entry stays pending for a reclaim",
                    item.item().requestId(), e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("batch item {}: outcome not confirmed within {}", item.item().requestId(), FLUSH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void retrySync(Transition t) {
        try {
            executions.transition(t.sessionId(), t.requestId(), t.state(), ExecutionStore.Attempt.KEEP, workerId,
                    t.reason());
        } catch (IllegalTransitionException | io.lettuce.core.RedisException e) {
            log.warn("call {}: execution record not written: {}", t.requestId(), e.getMessage());
        }
    }

    private static boolean await(Future<?> future, long until, String what) {
        try {
            future.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            log.warn("{} failed: {}", what, e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("{} not confirmed within {}", what, FLUSH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Flushes what is queued (at most {@link #FLUSH_TIMEOUT}) and stops the flushers. Closing again returns at
     * once: a completion queued after the first close (a call that outlived the grace period) would never be
     * flushed, and waiting for it held shutdown up by the whole flush timeout (issue 13).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        awaitIdle(FLUSH_TIMEOUT);
        closed = true;
        running = false;
        flushers.forEach(Thread::interrupt);
    }
}
