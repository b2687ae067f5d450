package io.mcpca.workers.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster read path on a real Redis (it needs no cluster: one read per partition, each on its own
 * connection): an entry on one partition comes back at once, not after the other partitions' block; a read still
 * blocked stays outstanding and brings its entry to a later read; a missing group is thrown as NOGROUP; a closed
 * reader's connections are closed.
 */
class PartitionReadsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final byte[] GROUP = "fast".getBytes(StandardCharsets.UTF_8);
    private static final Consumer<byte[]> ME = Consumer.from(GROUP, "w1".getBytes(StandardCharsets.UTF_8));
    /** Far longer than any read here may take: a read that waited for an empty partition's block would show. */
    private static final Duration BLOCK = Duration.ofSeconds(20);

    private RedisConnections redis;
    private RedisConnection<byte[], byte[]> side;
    private final List<RedisConnection<byte[], byte[]>> opened = new ArrayList<>();
    private PartitionReads reads;
    private byte[] first;
    private byte[] second;

    @BeforeEach
    void partitions() {
        String prefix = REDIS.newPrefix();
        redis = new RedisConnections(REDIS.uri());
        side = redis.bytes();
        first = (prefix + ":req:{fast.0}").getBytes(StandardCharsets.UTF_8);
        second = (prefix + ":req:{fast.1}").getBytes(StandardCharsets.UTF_8);
        for (byte[] stream : List.of(first, second)) {
            side.sync().xgroupCreate(StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        }
        reads = new PartitionReads(() -> {
            RedisConnection<byte[], byte[]> c = redis.bytes();
            opened.add(c);
            return c;
        });
    }

    @AfterEach
    void close() {
        reads.close();
        side.close();
        redis.close();
    }

    @Test
    void anEntryOnOnePartitionComesBackWithoutWaitingForTheOthersBlock() throws Exception {
        add(second, "a");
        long start = System.nanoTime();
        List<StreamMessage<byte[], byte[]>> got = read();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(got).extracting(m -> new String(m.getStream(), StandardCharsets.UTF_8))
                .containsExactly(new String(second, StandardCharsets.UTF_8));
        assertThat(tookMs).as("read returned before the empty partition's block ended").isLessThan(BLOCK.toMillis());
        assertThat(opened).as("one connection per partition").hasSize(2);
    }

    @Test
    void aReadStillBlockedBringsItsEntryToALaterRead() throws Exception {
        add(second, "a");
        assertThat(read()).hasSize(1);
        // the first partition's read is still blocked in Redis; an entry for it now is delivered to that read
        add(first, "b");
        List<StreamMessage<byte[], byte[]>> got = read();
        assertThat(got).extracting(m -> new String(m.getBody().values().iterator().next(), StandardCharsets.UTF_8))
                .containsExactly("b");
        assertThat(opened).as("no new connection for a partition read again").hasSize(2);
    }

    @Test
    void aMissingGroupIsThrownAsNogroupForTheLoopToRecreate() {
        side.sync().del(first);
        side.sync().xadd(first, Map.of("v".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(this::read).isInstanceOf(RedisCommandExecutionException.class).hasMessageStartingWith("NOGROUP");
    }

    @Test
    void closingEndsTheBlockedReadsWithTheirConnections() throws Exception {
        add(second, "a");
        read();
        reads.close();
        assertThat(opened).allSatisfy(c -> assertThat(c.isOpen()).isFalse());
    }

    @SuppressWarnings("unchecked")
    private List<StreamMessage<byte[], byte[]>> read() throws InterruptedException {
        return reads.read(ME, XReadArgs.Builder.block(BLOCK.toMillis()).count(10), BLOCK,
                StreamOffset.lastConsumed(first), StreamOffset.lastConsumed(second));
    }

    private void add(byte[] stream, String value) {
        side.sync().xadd(stream, Map.of("v".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }
}
