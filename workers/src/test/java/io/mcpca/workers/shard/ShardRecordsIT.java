package io.mcpca.workers.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * beginShards-1.lua and storeShard-1.lua through {@link ShardRecords} against a real Redis: a record made once
 * with a lifetime, the first answer of a shard kept, exactly one merging shard (again on its redelivery, never
 * another), errors in shard order, and a record that is gone.
 */
class ShardRecordsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void theShardThatCompletesTheSetMergesOnceAndAgainOnlyOnItsRedelivery() {
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri())) {
            ShardRecords records = new ShardRecords(redis.strings().sync(), redis.bytes().sync(), keys,
                    new StreamEntries(JacksonCodec.json()), 1000);
            ShardRecords.Begun first = records.begin("call-1", 3, "{\"shards\":[1,2,3]}", Optional.of("k"),
                    Duration.ofMinutes(5));
            assertThat(first.recordedNow()).isTrue();
            long ttl = REDIS.sync().pttl(keys.shards("call-1"));
            assertThat(ttl).isBetween(1L, Duration.ofMinutes(5).toMillis());
            ShardRecords.Begun again = records.begin("call-1", 2, "{\"shards\":[9,9]}", Optional.empty(),
                    Duration.ofMinutes(5));
            assertThat(again).isEqualTo(new ShardRecords.Begun(false, "{\"shards\":[1,2,3]}"));
            assertThat(records.cacheKey("call-1")).contains("k");

            assertThat(records.stored("call-1", 2)).isFalse();
            assertThat(records.store("call-1", 2, false, "{\"c\":2}")).isEqualTo(new ShardRecords.Stored(false, 1, 3));
            assertThat(records.stored("call-1", 2)).isTrue();
            // a duplicate of shard 2 changes nothing
            assertThat(records.store("call-1", 2, false, "{\"c\":\"other\"}")).isEqualTo(new ShardRecords.Stored(false, 1, 3));
            assertThat(records.store("call-1", 0, false, "{\"c\":0}")).isEqualTo(new ShardRecords.Stored(false, 2, 3));
            // shard 1 completes the set: it merges; a late duplicate of shard 0 does not; shard 1's redelivery does
            assertThat(records.store("call-1", 1, false, "{\"c\":1}")).isEqualTo(new ShardRecords.Stored(true, 3, 3));
            assertThat(records.store("call-1", 0, false, "")).isEqualTo(new ShardRecords.Stored(false, 3, 3));
            assertThat(records.store("call-1", 1, false, "")).isEqualTo(new ShardRecords.Stored(true, 3, 3));

            ShardRecords.Answers answers = records.answers("call-1", 3);
            assertThat(answers.results()).containsExactly("{\"c\":0}", "{\"c\":1}", "{\"c\":2}");
            assertThat(answers.firstError()).isEmpty();
            assertThat(REDIS.sync().pttl(keys.shards("call-1"))).as("storing keeps the lifetime").isPositive();
        }
    }

    @Test
    void errorsComeInShardOrderAndAGoneRecordDropsTheShard() {
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri())) {
            ShardRecords records = new ShardRecords(redis.strings().sync(), redis.bytes().sync(), keys,
                    new StreamEntries(JacksonCodec.json()), 1000);
            records.begin("call-2", 3, "{}", Optional.empty(), Duration.ofMinutes(5));
            assertThat(records.cacheKey("call-2")).isEmpty();
            records.store("call-2", 2, true, "NOT_FOUND gone");
            records.store("call-2", 0, false, "{}");
            assertThat(records.store("call-2", 1, true, "DEADLINE_EXCEEDED late").merge()).isTrue();
            assertThat(records.answers("call-2", 3).firstError()).contains("DEADLINE_EXCEEDED late");

            ShardRecords.Stored gone = records.store("never-recorded", 0, false, "{}");
            assertThat(gone.recordGone()).isTrue();
            assertThat(gone.merge()).isFalse();
            assertThat(REDIS.sync().exists(keys.shards("never-recorded"))).as("no record is made").isZero();
        }
    }
}
