package io.mcpca.shared.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Consumer;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.testing.RedisServerExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** refreshClaims-1.lua against a real Redis: refresh, hand back, entries owned by another, acked and missing. */
class RefreshClaimsScriptIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final LuaScript REFRESH = LuaScript.load("refreshClaims-1.lua");

    @Test
    void refreshesOnlyWhatTheConsumerStillOwnsWithoutCountingADelivery() throws InterruptedException {
        RedisClusterCommands<String, String> redis = REDIS.sync();
        String stream = REDIS.newPrefix() + ":req:{fast.0}";
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "fast", io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        String a = redis.xadd(stream, Map.of("n", "a"));
        String b = redis.xadd(stream, Map.of("n", "b"));
        String acked = redis.xadd(stream, Map.of("n", "c"));
        List<StreamMessage<String, String>> read = redis.xreadgroup(Consumer.from("fast", "w1"),
                XReadArgs.Builder.count(3), XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(read).hasSize(3);
        redis.xack(stream, "fast", acked);
        Thread.sleep(150);
        // w2 reclaims b, as a live worker would after w1 stalled
        redis.xclaim(stream, Consumer.from("fast", "w2"), XClaimArgs.Builder.minIdleTime(100), b);

        long refreshed = REFRESH.runForLong(redis, new String[] {stream}, "fast", "w1", "0", a, b, acked, "1-1");
        assertThat(refreshed).isEqualTo(1);
        PendingMessage pa = pending(redis, stream, a);
        assertThat(pa.getConsumer()).isEqualTo("w1");
        assertThat(pa.getMsSinceLastDelivery()).isLessThan(100);
        assertThat(pa.getRedeliveryCount()).isEqualTo(1);
        assertThat(pending(redis, stream, b).getConsumer()).isEqualTo("w2");

        // hand back: a's idle time jumps to the reclaim threshold, still owned by w1, still one delivery
        assertThat(REFRESH.runForLong(redis, new String[] {stream}, "fast", "w1", "60000", a)).isEqualTo(1);
        assertThat(pending(redis, stream, a).getMsSinceLastDelivery()).isGreaterThanOrEqualTo(60_000);
        assertThat(pending(redis, stream, a).getRedeliveryCount()).isEqualTo(1);
    }

    @Test
    void aMissingGroupIsAnError() {
        RedisClusterCommands<String, String> redis = REDIS.sync();
        String stream = REDIS.newPrefix() + ":req:{fast.1}";
        redis.xadd(stream, Map.of("n", "a"));
        assertThatThrownBy(() -> REFRESH.runForLong(redis, new String[] {stream}, "fast", "w1", "0", "1-1"))
                .hasMessageContaining("NOGROUP");
    }

    private static PendingMessage pending(RedisClusterCommands<String, String> redis, String stream, String id) {
        return redis.xpending(stream, "fast", Range.create(id, id), io.lettuce.core.Limit.from(1)).get(0);
    }
}
