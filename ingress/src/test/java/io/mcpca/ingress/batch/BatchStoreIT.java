package io.mcpca.ingress.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchStore} and {@link BatchItems} on a real Redis (createBatch-1.lua, indexBatch-1.lua): a batch's record
 * and index with their expiries, its items in the pool's batch lane as ordinary requests; the owner check; the
 * limits (items, unfinished batches per principal, the lane's backlog).
 */
class BatchStoreIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path root;
    Keys keys;
    RedisConnections connections;
    RedisConnection<byte[], byte[]> bytes;
    McpcaProperties.Batch limits;
    AtomicLong laneBacklog = new AtomicLong();
    StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
    BatchStore store;
    BatchItems expansion;

    @BeforeEach
    void fresh() throws Exception {
        keys = new Keys(REDIS.newPrefix());
        connections = new RedisConnections(REDIS.uri());
        bytes = connections.bytes();
        limits = new McpcaProperties.Batch();
        limits.setMaxActivePerPrincipal(2);
        limits.setMaxQueuedItems(100);
        store = new BatchStore(REDIS.sync(), bytes.async(), entries, keys, limits, pool -> laneBacklog.get(), 1000,
                Clock.systemUTC());
        for (int i = 0; i < 4; i++) {
            Files.writeString(root.resolve("f" + i + ".py"), "x = " + i + "\n");
        }
        expansion = new BatchItems(ToolCatalog.builtIn(), new PathGuard(List.of(root)), 3);
    }

    @AfterEach
    void close() {
        bytes.close();
    }

    @Test
    void aBatchIsItsRecordItsIndexEntryAndItsItemsInTheLaneAllExpiring() {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        BatchStore.Created created = store.create("alice", "reply", "n", deadline, 5,
                expansion.expand(Map.of("files", List.of("f0.py", "f1.py", "f2.py"))));

        Map<String, String> record = store.record("alice", created.batchId());
        assertThat(record).containsEntry("owner", "alice").containsEntry("total", "3").containsEntry("done", "0")
                .containsEntry("tool:calculate-metrics", "3").containsEntry("cancelled", "0");
        long ttl = REDIS.sync().pttl(keys.batch(created.batchId()));
        assertThat(ttl).isGreaterThan(limits.getRetention().toMillis())
                .isLessThanOrEqualTo(limits.getRetention().plusMinutes(10).toMillis());
        assertThat(REDIS.sync().zrange(keys.batchesOf("alice"), 0, -1)).containsExactly(created.batchId());
        assertThat(REDIS.sync().pttl(keys.batchesOf("alice"))).isPositive();

        List<StreamMessage<byte[], byte[]>> lane = bytes.sync().xrange(
                keys.batchRequestStream("fast").getBytes(StandardCharsets.UTF_8), Range.create("-", "+"));
        assertThat(lane).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ToolRequest request = entries.decodeRequest(lane.get(i).getBody());
            assertThat(request.requestId()).isEqualTo(created.batchId() + ":" + i);
            assertThat(request.batchId()).isEqualTo(created.batchId());
            assertThat(request.tool()).isEqualTo("calculate-metrics");
            assertThat(request.arguments()).containsEntry("path", "f" + i + ".py");
            assertThat(request.deadlineEpochMs()).isEqualTo(deadline.toEpochMilli());
        }
    }

    @Test
    void anotherPrincipalOrAMalformedIdIsNotFound() {
        BatchStore.Created created = store.create("alice", "reply", "", Instant.now().plusSeconds(60), 5,
                expansion.expand(Map.of("files", List.of("f0.py"))));
        assertThatThrownBy(() -> store.record("bob", created.batchId())).isInstanceOfSatisfying(BatchRefused.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> store.cancel("bob", created.batchId())).isInstanceOf(BatchRefused.class);
        assertThat(store.record("alice", created.batchId()).get("cancelled")).isEqualTo("0");
        assertThatThrownBy(() -> store.record("alice", "b{x}")).isInstanceOf(BatchRefused.class);
    }

    /** Regression: a cancel after the last outcome set the flag, and the finished batch then read CANCELLED. */
    @Test
    void aFinishedBatchIsNotCancelledAfterTheFact() {
        BatchStore.Created created = store.create("erin", "reply", "", Instant.now().plusSeconds(60), 5,
                expansion.expand(Map.of("files", List.of("f0.py"))));
        assertThat(store.cancel("erin", created.batchId())).as("unfinished: cancelled now").isTrue();
        assertThat(store.cancel("erin", created.batchId())).as("a second cancel changes nothing").isFalse();

        BatchStore.Created finished = store.create("erin", "reply", "", Instant.now().plusSeconds(60), 5,
                expansion.expand(Map.of("files", List.of("f1.py"))));
        REDIS.sync().hset(keys.batch(finished.batchId()), "done", "1"); // its one outcome, as recordBatchItem-2.lua counts it
        assertThat(store.cancel("erin", finished.batchId())).isFalse();
        assertThat(store.record("erin", finished.batchId()).get("cancelled")).isEqualTo("0");
    }

    @Test
    void limitsRefuseWithTheirCodes() {
        assertThatThrownBy(() -> expansion.expand(Map.of("files", List.of("f0.py", "f1.py", "f2.py", "f3.py"))))
                .isInstanceOfSatisfying(BatchRefused.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BATCH_TOO_LARGE));
        assertThatThrownBy(() -> expansion.expand(Map.of("paths", Map.of("root", ".", "globs", List.of("*.py")))))
                .isInstanceOfSatisfying(BatchRefused.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BATCH_TOO_LARGE));
        assertThat(expansion.expand(Map.of("paths", Map.of("root", ".", "globs", List.of("f[01].py"))))).hasSize(2);

        List<BatchItems.Item> one = expansion.expand(Map.of("files", List.of("f0.py")));
        String first = store.create("carol", "r", "", Instant.now().plusSeconds(60), 5, one).batchId();
        store.create("carol", "r", "", Instant.now().plusSeconds(60), 5, one);
        assertThatThrownBy(() -> store.create("carol", "r", "", Instant.now().plusSeconds(60), 5, one))
                .isInstanceOfSatisfying(BatchRefused.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_BATCHES));
        store.cancel("carol", first);
        store.create("carol", "r", "", Instant.now().plusSeconds(60), 5, one);

        laneBacklog.set(100);
        assertThatThrownBy(() -> store.create("dave", "r", "", Instant.now().plusSeconds(60), 5, one))
                .isInstanceOfSatisfying(BatchRefused.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_BATCHES));
    }
}
