package io.mcpca.workers.cache;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedFileResults} in Redis: one string per file under {@link Keys#sharedFile}, with a TTL. Keys the
 * analyzer names {@code kg<format>:<snapshot>} are whole knowledge graphs (decision 023): they live under
 * {@link Keys#knowledgeGraph} with their own TTL, and one larger than {@code graphMaxBytes} is not stored. A lookup
 * is one pipeline of GETs (single-key commands: no CROSSSLOT on a cluster) and waits at most
 * {@link #LOOKUP_TIMEOUT}; a store is one pipeline of SETs nobody waits for.
 *
 * <p>Thread-safe: the connection is this object's alone, with auto-flush off, and every method ends with a
 * flush of what it queued.
 */
public final class RedisSharedFileResults implements SharedFileResults {

    private static final Logger log = LoggerFactory.getLogger(RedisSharedFileResults.class);
    /** Beyond it the analyzer parses: a lookup must never cost more than the parse it saves. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** Analyzer keys are a build id and a BLAKE3 hex digest; anything far longer is not one. */
    private static final int MAX_KEY_LENGTH = 256;

    private final RedisConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final Keys keys;
    private final SetArgs expiry;
    private final SetArgs graphExpiry;
    private final long graphMaxBytes;
    private final Counter hits;
    private final Counter misses;
    private final Counter stored;
    private final Counter failures;

    public RedisSharedFileResults(RedisConnection<String, byte[]> connection, Keys keys, Duration ttl,
                                  MeterRegistry meters) {
        this(connection, keys, ttl, Duration.ofHours(6), 16L * 1024 * 1024, meters);
    }

    public RedisSharedFileResults(RedisConnection<String, byte[]> connection, Keys keys, Duration ttl,
                                  Duration graphTtl, long graphMaxBytes, MeterRegistry meters) {
        this.graphExpiry = SetArgs.Builder.px(graphTtl.toMillis());
        this.graphMaxBytes = graphMaxBytes;
        this.connection = connection;
        this.redis = connection.async();
        this.keys = keys;
        this.expiry = SetArgs.Builder.px(ttl.toMillis());
        connection.setAutoFlushCommands(false);
        this.hits = counter(meters, "hit");
        this.misses = counter(meters, "miss");
        this.stored = counter(meters, "stored");
        this.failures = counter(meters, "failed");
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("mcpca.cache.files").tag("outcome", outcome)
                .description("Per-file analyzer results looked up in (hit, miss) and stored to Redis").register(meters);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Map<String, String> lookup(List<String> wanted) {
        Map<String, RedisFuture<byte[]>> pending = new LinkedHashMap<>();
        Map<String, String> found = new LinkedHashMap<>();
        try {
            synchronized (this) {
                for (String key : wanted) {
                    if (key.length() <= MAX_KEY_LENGTH && !pending.containsKey(key)) {
                        pending.put(key, redis.get(redisKey(key)));
                    }
                }
                connection.flushCommands();
            }
            if (pending.isEmpty()) {
                return found;
            }
            if (!LettuceFutures.awaitAll(LOOKUP_TIMEOUT, pending.values().toArray(RedisFuture[]::new))) {
                log.warn("shared file results: {} lookups unanswered within {}", pending.size(), LOOKUP_TIMEOUT);
            }
        } catch (RuntimeException e) {
            // Redis down or a command failed: whatever did arrive is still good
            failures.increment();
            log.warn("shared file results: lookup failed ({}); the analyzer parses instead", e.getMessage());
        }
        pending.forEach((key, future) -> {
            java.util.concurrent.CompletableFuture<byte[]> done = future.toCompletableFuture();
            byte[] value = done.isDone() && !done.isCompletedExceptionally() ? done.getNow(null) : null;
            if (value != null) {
                found.put(key, new String(value, StandardCharsets.UTF_8));
            }
        });
        hits.increment(found.size());
        misses.increment(pending.size() - found.size());
        return found;
    }

    @Override
    public void store(Map<String, String> entries) {
        List<RedisFuture<String>> writes = new ArrayList<>(entries.size());
        try {
            synchronized (this) {
                entries.forEach((key, entry) -> {
                    byte[] bytes = entry.getBytes(StandardCharsets.UTF_8);
                    boolean graph = isGraph(key);
                    if (key.length() <= MAX_KEY_LENGTH && !(graph && bytes.length > graphMaxBytes)) {
                        writes.add(redis.set(redisKey(key), bytes, graph ? graphExpiry : expiry));
                    }
                });
                connection.flushCommands();
            }
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("shared file results: store failed ({}); other workers will parse these files", e.getMessage());
        }
        for (RedisFuture<String> write : writes) {
            write.whenComplete((ok, e) -> (e == null ? stored : failures).increment());
        }
    }

    /** A knowledge graph's key as the analyzer names it: {@code kg} + format digits + {@code :}. */
    static boolean isGraph(String key) {
        int colon = key.indexOf(':');
        return key.startsWith("kg") && colon > 2 && key.substring(2, colon).chars().allMatch(Character::isDigit);
    }

    private String redisKey(String key) {
        return isGraph(key) ? keys.knowledgeGraph(key) : keys.sharedFile(key);
    }
}
