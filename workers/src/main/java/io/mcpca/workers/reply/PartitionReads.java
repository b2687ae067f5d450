package io.mcpca.workers.reply;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.mcpca.shared.redis.RedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a read loop reads its pool's partitions on a Redis Cluster, where one XREADGROUP may not span slots (each
 * partition is its own hash tag, so its own slot, spread over the masters): one XREADGROUP per partition, each on
 * a connection of its own (a blocked read holds its node's socket, so partitions on one master must not share
 * one). Lifecycle of one partition's read: 1. issued (with the loop's COUNT and BLOCK) when none is outstanding
 * and its last failure is over {@link #RETRY_PAUSE} old; 2. a {@link #read} waits until any outstanding read
 * answers (at most the loop's block) and hands back what every answered read brought; reads still blocked stay
 * outstanding for the next call; 3. a failed read (its master died, say) is logged and issued again after the
 * pause, when Lettuce has learnt the new topology (a replica promoted, slots moved): the loop follows a failover
 * or resharding without a restart. A read that never answers is dropped after block + {@link #STUCK}, with its
 * connection. NOGROUP is thrown as is (the loop recreates the groups). Loop thread only.
 */
final class PartitionReads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionReads.class);
    /** After a partition's read failed: long enough not to spin on a dead master, short enough to resume fast. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    /** Beyond a read's own block: far above any healthy Redis, short enough to notice one that hangs. */
    private static final Duration STUCK = Duration.ofSeconds(10);

    /** One partition's connection and its outstanding read, if any. */
    private static final class Partition {
        private final String stream;
        private RedisConnection<byte[], byte[]> connection;
        private RedisFuture<List<StreamMessage<byte[], byte[]>>> read;
        private long issuedAt;
        private long retryAt;

        private Partition(String stream) {
            this.stream = stream;
        }
    }

    private final Supplier<RedisConnection<byte[], byte[]>> connect;
    private final Map<String, Partition> partitions = new LinkedHashMap<>();

    /** @param connect opens a new connection to the cluster (one per partition, on first use) */
    PartitionReads(Supplier<RedisConnection<byte[], byte[]>> connect) {
        this.connect = connect;
    }

    /**
     * Issues the reads not outstanding, waits up to {@code block} for any to answer (a non-blocking read: until
     * one answers), and returns what the answered ones brought, partitions in order.
     */
    @SafeVarargs
    final List<StreamMessage<byte[], byte[]>> read(Consumer<byte[]> consumer, XReadArgs args, Duration block,
                                                   StreamOffset<byte[]>... offsets) throws InterruptedException {
        long now = System.nanoTime();
        List<CompletableFuture<?>> outstanding = new ArrayList<>();
        long nextRetry = Long.MAX_VALUE;
        for (StreamOffset<byte[]> offset : offsets) {
            Partition p = partitions.computeIfAbsent(new String(offset.getName(), StandardCharsets.UTF_8),
                    Partition::new);
            if (p.read == null && now - p.retryAt >= 0) {
                issue(p, consumer, args, offset, now);
            }
            if (p.read != null) {
                outstanding.add(p.read.toCompletableFuture());
            } else {
                nextRetry = Math.min(nextRetry, p.retryAt - now);
            }
        }
        long waitNanos = block.toMillis() < 1 ? STUCK.toNanos() : block.toNanos();
        if (outstanding.isEmpty()) {
            // every partition pauses after a failure: wait for the first pause to end (or the block)
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(waitNanos, nextRetry)));
            return List.of();
        }
        try {
            CompletableFuture.anyOf(outstanding.toArray(CompletableFuture[]::new)).get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a failure is noted per partition below; nothing answered within the block: an empty read
        }
        return collect(block);
    }

    private void issue(Partition p, Consumer<byte[]> consumer, XReadArgs args, StreamOffset<byte[]> offset,
                       long now) {
        try {
            if (p.connection == null) {
                p.connection = connect.get();
            }
            p.read = p.connection.async().xreadgroup(consumer, args, offset);
            p.issuedAt = now;
        } catch (RuntimeException e) {
            failed(p, String.valueOf(e.getMessage()), false);
        }
    }

    @SuppressWarnings("unchecked")
    private List<StreamMessage<byte[], byte[]>> collect(Duration block) {
        List<StreamMessage<byte[], byte[]>> messages = new ArrayList<>();
        long now = System.nanoTime();
        for (Partition p : partitions.values()) {
            if (p.read == null) {
                continue;
            }
            if (!p.read.isDone()) {
                if (now - p.issuedAt > block.plus(STUCK).toNanos()) {
                    failed(p, "no answer within " + block.plus(STUCK), true);
                }
                continue;
            }
            RedisFuture<List<StreamMessage<byte[], byte[]>>> done = p.read;
            p.read = null;
            try {
                messages.addAll(done.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RedisCommandExecutionException r
                        && String.valueOf(r.getMessage()).startsWith("NOGROUP")) {
                    throw r;
                }
                failed(p, String.valueOf(e.getCause().getMessage()), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return messages;
    }

    /**
     * The partition's read failed: it is issued again after the pause (Lettuce routes it by the topology it knows
     * then); a stuck read goes with its connection ({@code dropConnection}), a new one is opened for the next.
     */
    private void failed(Partition p, String reason, boolean dropConnection) {
        log.warn("read of {} failed ({}); reading it again in {} ms", p.stream, reason, RETRY_PAUSE.toMillis());
        p.read = null;
        p.retryAt = System.nanoTime() + RETRY_PAUSE.toNanos();
        if (dropConnection && p.connection != null) {
            p.connection.close();
            p.connection = null;
        }
    }

    /** Closes every partition's connection; a read still blocked in Redis ends with it. */
    @Override
    public void close() {
        partitions.values().forEach(p -> {
            if (p.connection != null) {
                p.connection.close();
                p.connection = null;
            }
            p.read = null;
        });
    }
}
