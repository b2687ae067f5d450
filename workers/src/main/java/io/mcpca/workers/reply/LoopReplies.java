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
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
 *
 * <p>Entries a read's caller can answer at once and without blocking (a ping {@code via: worker}) may be answered
 * <b>on arrival</b>: on the connection's I/O thread, as the read's answer is decoded, their replies are written
 * there and then, before the loop thread is even woken (a write from the I/O thread is no hand-off), so the
 * loop thread's wake-up and the I/O thread's wake-up for the loop's write are off the reply's way. Their replies
 * are confirmed and acknowledged like the others (the loop takes them over with the read's result). Not on a
 * Cluster (its reads are {@link PartitionReads}'). Why: docs/decisions/019, fifth pass.
 */
public final class LoopReplies {

    private static final Logger log = LoggerFactory.getLogger(LoopReplies.class);
    /** The longest a read blocks while acknowledgements are owed: the longest an answered entry stays pending. */
    public static final Duration ACK_WITHIN = Duration.ofMillis(2);
    /**
     * The most entries a read may bring for any of them to be answered on arrival. The I/O thread is shared with the
     * process's other connections (in {@code serve}, the ingress's submits and reply reads): a few entries cost it
     * microseconds, a read of dozens (many calls in flight, where a wake-up more is not what limits) would stall
     * them; such a read goes to the loop thread whole, as before.
     */
    public static final int ON_ARRIVAL_MAX = 8;
    /** Beyond a read's own block: far above any healthy Redis, short enough to notice one that hangs. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private record Sent(Completion completion, RedisFuture<String> written) {
    }

    /**
     * One read: every entry it brought, in order, and which of them (by index) were answered on arrival, their
     * replies already written.
     */
    public record Read(List<StreamMessage<byte[], byte[]>> messages, BitSet answered) {
    }

    /** A read's answer as the I/O thread left it: the entries, those answered on arrival, their replies. */
    private record Arrived(Read read, List<Sent> sent) {
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
    /**
     * The last read the loop stopped waiting for (interrupted, or no answer in time): the drain, or the next read
     * once it came back, takes over the replies it answered on arrival.
     */
    private CompletableFuture<Arrived> abandoned;
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
        unsent.add(checkPlain(completion));
    }

    private static Completion checkPlain(Completion completion) {
        if (completion.record().isPresent() || completion.finish().isPresent()
                || completion.keptReplyRecord().isPresent()) {
            throw new IllegalArgumentException("the read loop sends plain replies only: " + completion.entryId());
        }
        return completion;
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
        return read(consumer, args, block, message -> Optional.empty(), offsets).messages();
    }

    /**
     * The same, answering on arrival the entries {@code onArrival} answers (when the read brought at most
     * {@link #ON_ARRIVAL_MAX}): it runs on the connection's I/O thread for every entry read, so it must be short,
     * must not block and should not throw (an entry it throws on is left to the caller). Its completions must be
     * plain replies ({@link #add}'s rule).
     */
    @SafeVarargs
    public final Read read(Consumer<byte[]> consumer, XReadArgs args, Duration block,
                           Function<StreamMessage<byte[], byte[]>, Optional<Completion>> onArrival,
                           StreamOffset<byte[]>... offsets) throws InterruptedException {
        if (abandoned != null && abandoned.isDone()) {
            takeOverAbandoned(System.nanoTime()); // a read given up on (no answer in time) that came back since
        }
        sendAcks();
        sendReplies();
        if (partitionReads.isPresent()) {
            connection.flushCommands();
            try {
                return new Read(partitionReads.get().read(consumer, args, block, offsets), new BitSet());
            } finally {
                noteConfirmations();
            }
        }
        // registered before the flush, so it runs where the answer is completed: on the I/O thread
        CompletableFuture<Arrived> read = commands.xreadgroup(consumer, args, offsets).toCompletableFuture()
                .thenApply(messages -> answerOnArrival(messages, onArrival));
        connection.flushCommands();
        try {
            Arrived arrived = read.get(block.plus(TIMEOUT).toNanos(), TimeUnit.NANOSECONDS);
            unconfirmed.addAll(arrived.sent());
            return arrived.read();
        } catch (InterruptedException e) {
            abandoned = read; // replies it answered on arrival are still to be confirmed and acknowledged
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            abandoned = read;
            throw new IllegalStateException("no answer to XREADGROUP within " + block.plus(TIMEOUT));
        } finally {
            // answered in order, so every reply sent before the read has its answer by now (unless the read failed)
            noteConfirmations();
        }
    }

    /** On the I/O thread: writes the replies of the entries {@code onArrival} answers, in one flush. */
    private Arrived answerOnArrival(List<StreamMessage<byte[], byte[]>> messages,
                                    Function<StreamMessage<byte[], byte[]>, Optional<Completion>> onArrival) {
        BitSet answered = new BitSet();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < messages.size() && messages.size() <= ON_ARRIVAL_MAX; i++) {
            try {
                Optional<Completion> c = onArrival.apply(messages.get(i));
                if (c.isPresent()) {
                    sent.add(send(checkPlain(c.get())));
                    answered.set(i);
                }
            } catch (RuntimeException e) {
                log.warn("entry {} not answered on arrival ({}); the loop takes it", messages.get(i).getId(),
                        e.toString());
            }
        }
        if (!sent.isEmpty()) {
            connection.flushCommands();
        }
        return new Arrived(new Read(messages, answered), sent);
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
            takeOverAbandoned(until);
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

    /**
     * A read the loop stopped waiting for may still have answered entries on arrival: their replies are confirmed
     * and acknowledged with the rest (its other entries stay pending, for the hand-back or a reclaim).
     */
    private void takeOverAbandoned(long until) {
        if (abandoned == null) {
            return;
        }
        try {
            unconfirmed.addAll(abandoned.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS).sent());
        } catch (ExecutionException | TimeoutException e) {
            // the read failed or never came back: it answered nothing that is known here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abandoned = null;
        }
    }

    private void sendReplies() {
        for (Completion c : unsent) {
            unconfirmed.add(send(c));
        }
        unsent.clear();
    }

    private Sent send(Completion c) {
        return new Sent(c, commands.xadd(c.replyTo().getBytes(StandardCharsets.UTF_8), replyArgs,
                entries.encode(c.reply())));
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
