package io.mcpca.workers.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.batch.BatchItemId;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recordBatchItem-2.lua through {@link BatchOutcomes}, on a real Redis: an item's first outcome is kept and counted,
 * a second one (a redelivery) changes nothing; no batch record, nothing written; a large result is stored
 * content-addressed and referenced; the items hash takes the record's expiry. And {@link BatchGate}: a cancelled
 * or missing batch's items may not start.
 */
class BatchOutcomesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    Keys keys;
    BatchOutcomes outcomes;
    RedisClusterCommands<String, String> redis;
    String batchId;

    @BeforeEach
    void freshBatch() {
        keys = new Keys(REDIS.newPrefix());
        redis = REDIS.sync();
        outcomes = new BatchOutcomes(redis, keys, Clock.systemUTC(), 64, Duration.ofHours(2));
        batchId = BatchItemId.newBatchId();
        redis.hset(keys.batch(batchId), Map.of("owner", "alice", "total", "3", "done", "0", "cancelled", "0"));
        redis.pexpire(keys.batch(batchId), 600_000);
    }

    @Test
    void theFirstOutcomeOfAnItemCountsAndARedeliveredOneChangesNothing() {
        ToolReply ok = ToolReply.result(new BatchItemId(batchId, 0).requestId(), JsonBytes.of("{\"n\":1}"), "w1");
        assertThat(outcomes.record(outcomes.prepare(ok, "w1").orElseThrow())).isEqualTo(1);
        ToolReply again = ToolReply.error(new BatchItemId(batchId, 0).requestId(), ErrorCode.INTERNAL, "lost", "w2");
        assertThat(outcomes.record(outcomes.prepare(again, "w2").orElseThrow())).isZero();

        Map<String, String> record = redis.hgetall(keys.batch(batchId));
        assertThat(record).containsEntry("done", "1").containsEntry("n:SUCCEEDED", "1").doesNotContainKey("e:INTERNAL")
                .containsKey("firstAtMs").doesNotContainKey("finishedAtMs");
        assertThat(redis.hget(keys.batchItems(batchId), "0"))
                .startsWith("{\"state\":\"SUCCEEDED\",\"result\":{\"n\":1}").contains("\"worker\":\"w1\"");
        assertThat(redis.pttl(keys.batchItems(batchId))).isPositive().isLessThanOrEqualTo(600_000);
    }

    @Test
    void errorsCountPerCodeAndTheLastItemFinishesTheBatch() {
        record(0, ToolReply.error(new BatchItemId(batchId, 0).requestId(), ErrorCode.CANCELLED, "stop", "w"));
        record(1, ToolReply.error(new BatchItemId(batchId, 1).requestId(), ErrorCode.NOT_FOUND, "gone \"x\"", "w"));
        record(2, ToolReply.error(new BatchItemId(batchId, 2).requestId(), ErrorCode.DEAD_LETTERED, "poison", "w"));
        Map<String, String> record = redis.hgetall(keys.batch(batchId));
        assertThat(record).containsEntry("done", "3").containsEntry("n:CANCELLED", "1").containsEntry("n:FAILED", "1")
                .containsEntry("n:DEAD_LETTERED", "1").containsEntry("e:NOT_FOUND", "1").containsKey("finishedAtMs");
        assertThat(redis.hget(keys.batchItems(batchId), "1")).contains("\"message\":\"gone \\\"x\\\"\"");
    }

    @Test
    void aLargeResultIsStoredContentAddressedAndReferenced() {
        String big = "{\"text\":\"" + "y".repeat(200) + "\"}";
        record(0, ToolReply.result(new BatchItemId(batchId, 0).requestId(), JsonBytes.of(big), "w"));
        String outcome = redis.hget(keys.batchItems(batchId), "0");
        String digest = BatchOutcomes.sha256(JsonBytes.of(big).utf8());
        assertThat(outcome).contains("\"resultRef\":{\"digest\":\"" + digest + "\",\"bytes\":" + big.length() + "}")
                .doesNotContain("yyyy");
        assertThat(redis.get(keys.result(digest))).isEqualTo(big);
        assertThat(redis.pttl(keys.result(digest))).isGreaterThan(Duration.ofHours(1).toMillis());
    }

    @Test
    void withoutABatchRecordNothingIsWritten() {
        String gone = BatchItemId.newBatchId();
        ToolReply ok = ToolReply.result(new BatchItemId(gone, 4).requestId(), JsonBytes.of("{}"), "w");
        assertThat(outcomes.record(outcomes.prepare(ok, "w").orElseThrow())).isEqualTo(-1);
        assertThat(redis.exists(keys.batch(gone), keys.batchItems(gone))).isZero();
    }

    @Test
    void repliesOfOrdinaryCallsAndProgressAreNoBatchOutcomes() {
        assertThat(outcomes.prepare(ToolReply.result("0b8f1c9e-uuid", JsonBytes.of("{}"), "w"), "w")).isEmpty();
        assertThat(outcomes.prepare(ToolReply.progress(new BatchItemId(batchId, 0).requestId(), 1, 2, "", "w"), "w"))
                .isEmpty();
    }

    @Test
    void theGateClosesForACancelledOrMissingBatch() {
        BatchGate gate = new BatchGate(redis, keys);
        assertThat(gate.mayRun(batchId)).isTrue();
        String cancelled = BatchItemId.newBatchId();
        redis.hset(keys.batch(cancelled), Map.of("total", "1", "cancelled", "1"));
        redis.pexpire(keys.batch(cancelled), 60_000);
        assertThat(gate.mayRun(cancelled)).isFalse();
        assertThat(gate.mayRun(BatchItemId.newBatchId())).isFalse();
        gate.cancelled(batchId); // heard on the cancel channel: at once, before the cached answer expires
        assertThat(gate.mayRun(batchId)).isFalse();
    }

    private void record(int index, ToolReply reply) {
        assertThat(outcomes.record(outcomes.prepare(reply, "w").orElseThrow())).as("item %d", index).isEqualTo(1);
    }
}
