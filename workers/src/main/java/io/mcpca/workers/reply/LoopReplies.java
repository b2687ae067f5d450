package io.mcpca.workers.reply;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.workers.metrics.WorkerMeters;
import io.mcpca.workers.reply.ReplyBatcher.Completion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read connection of one pool's read loop, which also carries the answers of the calls the loop finished
 * itself: each {@link #read} sends in one pipeline the XACKs of entries whose replies Redis confirmed, the replies
 * answered since the last read, and the XREADGROUP. An entry is acknowledged only after its reply was confirmed
 * (the batcher's promise), so while acknowledgements are owed a read blocks at most {@link #ACK_WITHIN}. Loop
 * thread only; the connection is its own (auto-flush off). Why: docs/decisions (reply batching). On a Redis
 * Cluster one XREADGROUP may not span the partitions' slots: the read goes to {@link PartitionReads} (one read per
 * partition), after the replies and acknowledgements left on this connection (docs/decisions/030).
 */
public final class LoopReplies {

    private static final Logger log = LoggerFactory.getLogger(LoopReplies.class);
    /** The longest a read blocks while acknowledgements are owed: the longest an answered entry stays pending. */
    public static final Duration ACK_WITHIN = Duration.ofMillis(2);
    /** Beyond a read's own block: far above any healthy Redis, short enough to notice one that hangs. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private record Sent(Completion completion, RedisFuture<String> written) {
    }

    private final RedisConnection<byte[], byte[]> connection;
    /** On a cluster: the per-partition reads (their connections opened on first use). */
    private final Optional<PartitionReads> partitionReads;
    private final RedisStreamAsyncCommands<byte[], byte[]> commands;
    private final StreamEntries entries;
    private final XAddArgs replyArgs;
    private final List<Completion> unsent = new ArrayList<>();
    private final List<Sent> unconfirmed = new ArrayList<>();
    /** Confirmed replies' entries, per pool and stream: acknowledged with the next read. */
    private final Map<String, List<Completion>> toAck = new LinkedHashMap<>();
    private volatile WorkerMeters meters = WorkerMeters.NONE;

    public LoopReplies(RedisConnection<byte[], byte[]> connection, StreamEntries entries, long replyMaxLen) {
        this(connection, entries, replyMaxLen, () -> {
            throw new IllegalStateException("reading a cluster's partitions needs a way to open connections");
        });
    }

    /** @param partitionReaders opens the per-partition read connections when {@code connection} is to a cluster */
    public LoopReplies(RedisConnection<byte[], byte[]> connection, StreamEntries entries, long replyMaxLen,
                       Supplier<RedisConnection<byte[], byte[]>> partitionReaders) {
        this.connection = connection;
        this.partitionReads = connection.isCluster()
                ? Optional.of(new PartitionReads(partitionReaders)) : Optional.empty();
        this.commands = connection.async();
        this.entries = entries;
        this.replyArgs = ReplyPublisher.replyArgs(replyMaxLen);
        connection.setAutoFlushCommands(false);
    }

    /** Where this loop counts its acknowledgements, by pool (set once, before it starts). */
    public void setMeters(WorkerMeters meters) {
        this.meters = meters;
    }

    /**
     * A call the loop answered: its reply leaves with the next read. Only a plain reply and acknowledgement:
     * a call with a record to write or a finish script goes to the {@link ReplyBatcher}.
     */
    public void add(Completion completion) {
        if (completion.record().isPresent() || completion.finish().isPresent()
                || completion.keptReplyRecord().isPresent()) {
            throw new IllegalArgumentException("the read loop sends plain replies only: " + completion.entryId());
        }
        unsent.add(completion);
    }

    /** {@code block}, or less while answered entries wait for their acknowledgement. */
    public Duration blockFor(Duration block) {
        boolean owed = !unsent.isEmpty() || !unconfirmed.isEmpty() || !toAck.isEmpty();
        return owed && block.compareTo(ACK_WITHIN) > 0 ? ACK_WITHIN : block;
    }

    /**
     * Sends the owed acknowledgements and the new replies, then reads; an error of the read (NOGROUP, a lost
     * connection) is thrown as is, after the replies' outcomes are noted.
     */
    @SafeVarargs
    public final List<StreamMessage<byte[], byte[]>> read(Consumer<byte[]> consumer, XReadArgs args,
                                                          Duration block, StreamOffset<byte[]>... offsets)
            throws InterruptedException {
        sendAcks();
        sendReplies();
        if (partitionReads.isPresent()) {
            connection.flushCommands();
            try {
                return partitionReads.get().read(consumer, args, block, offsets);
            } finally {
                noteConfirmations();
            }
        }
        RedisFuture<List<StreamMessage<byte[], byte[]>>> read = commands.xreadgroup(consumer, args, offsets);
        connection.flushCommands();
        try {
            return read.get(block.plus(TIMEOUT).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer to XREADGROUP within " + block.plus(TIMEOUT));
        } finally {
            // answered in order, so every reply sent before the read has its answer by now (unless the read failed)
            noteConfirmations();
        }
    }

    /** Sends the owed acknowledgements and the new replies without reading (the loop is not reading now). */
    public void send() throws InterruptedException {
        sendAcks();
        sendReplies();
        connection.flushCommands();
        confirm(System.nanoTime() + TIMEOUT.toNanos());
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /**
     * Sends and confirms everything owed: replies, then the acknowledgements of those confirmed; returns
     * false if something was left (Redis failed or {@code timeout} passed: those entries stay pending).
     */
    public boolean drain(Duration timeout) {
        boolean interrupted = Thread.interrupted(); // the stop interrupts the loop; this still has to go out
        // reads still blocked end now: what they would bring stays for the hand-back or another worker
        partitionReads.ifPresent(PartitionReads::close);
        try {
            long until = System.nanoTime() + timeout.toNanos();
            sendReplies();
            connection.flushCommands();
            boolean all = confirm(until) == 0;
            List<RedisFuture<Long>> acks = sendAcks();
            connection.flushCommands();
            all &= unconfirmed.isEmpty();
            for (RedisFuture<Long> ack : acks) {
                all &= awaitQuietly(ack, until);
            }
            unconfirmed.clear();
            return all;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void sendReplies() {
        for (Completion c : unsent) {
            unconfirmed.add(new Sent(c, commands.xadd(c.replyTo().getBytes(StandardCharsets.UTF_8), replyArgs,
                    entries.encode(c.reply()))));
        }
        unsent.clear();
    }

    /** One XACK per pool and stream; not waited for (a lost one leaves its entry pending, answered again). */
    private List<RedisFuture<Long>> sendAcks() {
        List<RedisFuture<Long>> sent = new ArrayList<>(toAck.size());
        toAck.values().forEach(batch -> {
            Completion first = batch.get(0);
            RedisFuture<Long> acked = commands.xack(first.stream(), first.pool().getBytes(StandardCharsets.UTF_8),
                    batch.stream().map(Completion::entryId).toArray(String[]::new));
            acked.whenComplete((n, e) -> {
                if (e != null) {
                    log.warn("xack of {} answered entries failed: {}", batch.size(), e.toString());
                } else {
                    meters.pool(first.pool()).acknowledged(n);
                }
            });
            sent.add(acked);
        });
        toAck.clear();
        return sent;
    }

    /** Waits for the sent replies' answers until {@code until}, then notes them; returns how many were refused. */
    private int confirm(long until) {
        for (Sent s : unconfirmed) {
            awaitQuietly(s.written(), until);
        }
        return noteConfirmations();
    }

    /**
     * Moves the confirmed replies' entries to the acknowledgements owed; a refused reply is dropped (its entry
     * stays pending for a reclaim); one still unanswered stays for the next look. Returns how many were refused.
     */
    private int noteConfirmations() {
        int refused = 0;
        for (Iterator<Sent> it = unconfirmed.iterator(); it.hasNext(); ) {
            Sent s = it.next();
            if (!s.written().isDone()) {
                continue;
            }
            it.remove();
            Completion c = s.completion();
            try {
                s.written().get();
                // written, or dropped by NOMKSTREAM because its ingress is gone: either way the call is done
                toAck.computeIfAbsent(ReplyBatcher.ackKey(c), k -> new ArrayList<>()).add(c);
            } catch (ExecutionException e) {
                refused++;
                log.warn("reply to {} failed: {}; its entry stays pending", c.reply().requestId(),
                        e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return refused;
    }

    private static boolean awaitQuietly(RedisFuture<?> future, long until) {
        try {
            future.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
