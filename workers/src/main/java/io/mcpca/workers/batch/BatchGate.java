package io.mcpca.workers.batch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.mcpca.shared.keys.Keys;
import java.time.Duration;

/**
 * Whether a batch's items may still run: a queued item of a cancelled batch (or of a batch whose record is gone)
 * never starts, it ends CANCELLED at once. The answer is read from the batch record ({@code cancelled} field) and
 * kept for {@link #RECHECK}, so a worker asks Redis about a batch at most once a second, not once per item; a
 * cancel heard on the cancel channel ({@link #cancelled}) takes effect at once.
 */
public final class BatchGate {

    /** How long a batch's "still running" answer is trusted: a cancel reaches queued items within this. */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private final RedisHashCommands<String, String> redis;
    private final Keys keys;
    /** batch id -> may run; bounded: a worker sees few batches at once. */
    private final Cache<String, Boolean> open = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(RECHECK).build();
    private final Cache<String, Boolean> stopped = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofHours(1)).build();

    public BatchGate(RedisHashCommands<String, String> redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Whether items of {@code batchId} may start. */
    public boolean mayRun(String batchId) {
        if (stopped.getIfPresent(batchId) != null) {
            return false;
        }
        Boolean answer = open.get(batchId, id -> {
            try {
                java.util.List<io.lettuce.core.KeyValue<String, String>> fields =
                        redis.hmget(keys.batch(id), "total", "cancelled");
                boolean exists = fields.get(0).hasValue();
                boolean cancelled = fields.get(1).hasValue() && "1".equals(fields.get(1).getValue());
                return exists && !cancelled;
            } catch (RuntimeException e) {
                return true; // Redis trouble: run; the outcome cannot be recorded then either, and is retried
            }
        });
        if (!answer) {
            stopped.put(batchId, Boolean.TRUE);
        }
        return answer;
    }

    /** A cancel of the batch was heard: its items stop starting here at once. */
    public void cancelled(String batchId) {
        stopped.put(batchId, Boolean.TRUE);
        open.invalidate(batchId);
    }
}
