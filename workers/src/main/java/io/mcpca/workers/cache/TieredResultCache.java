package io.mcpca.workers.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.JsonBytes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-level result cache of results as their JSON bytes: L1 in this process (Caffeine, holding each result as
 * its stored bytes, maybe deflated, so the bound is the heap it takes),
 * L2 in Redis ({@code mcpca:result:{<digest>}}, with a TTL so results expire and memory stays flat).
 *
 * <p>A lookup tries L1, then L2 (an L2 hit is copied into L1); a put writes both. Results are
 * content-addressed, so an entry never changes meaning; whoever wants one gone (a tool fix that keeps
 * its version, an operator) calls {@link #invalidate}: it deletes L2 and publishes the digest on
 * {@code mcpca:events:invalidate}, and every process's {@link CacheInvalidations} drops its L1 copy.
 * Redis errors are misses: the cache never fails a call. Counters: {@code mcpca.cache.lookups}
 * tagged {@code level=l1|l2} and {@code outcome=hit|miss}; timer {@code mcpca.cache.key} (the time to key a call).
 */
public final class TieredResultCache implements ResultCache, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TieredResultCache.class);
    /** Message meaning "drop every L1 entry". */
    public static final String ALL = "*";

    private final RedisClusterCommands<String, byte[]> redis;
    private final Keys keys;
    private final Set<String> cachedTools;
    private final Duration ttl;
    private final ResultDigest digests = new ResultDigest();
    private final ResultBytes bytes;
    private final String analyzerBuild;
    private final Cache<String, byte[]> l1;
    private final Counter l1Hits;
    private final Counter l1Misses;
    private final Counter l2Hits;
    private final Counter l2Misses;
    private final Timer keying;

    /**
     * @param cachedTools  tools whose results are cached (deterministic ones; not ping)
     * @param ttl          lifetime of an entry in both levels
     * @param l1MaxBytes   bound of L1 by the stored (JSON, maybe deflated) size of its entries
     * @param compressAboveBytes stored results larger than this are deflated
     * @param analyzerBuild which analyzer build computes the results ({@link io.mcpca.workers.run.AnalyzerBuild}):
     *                      part of every key, so a new build never serves an old build's numbers
     */
    public TieredResultCache(RedisClusterCommands<String, byte[]> redis, Keys keys, Set<String> cachedTools, Duration ttl,
                             long l1MaxBytes, int compressAboveBytes, String analyzerBuild, MeterRegistry meters) {
        this.redis = redis;
        this.analyzerBuild = analyzerBuild;
        this.keys = keys;
        this.cachedTools = Set.copyOf(cachedTools);
        this.ttl = ttl;
        this.bytes = new ResultBytes(compressAboveBytes);
        this.l1 = Caffeine.newBuilder()
                .maximumWeight(l1MaxBytes)
                .weigher((String key, byte[] stored) -> Math.max(1, stored.length))
                .expireAfterWrite(ttl)
                .build();
        this.l1Hits = counter(meters, "l1", "hit");
        this.l1Misses = counter(meters, "l1", "miss");
        this.l2Hits = counter(meters, "l2", "hit");
        this.l2Misses = counter(meters, "l2", "miss");
        this.keying = Timer.builder("mcpca.cache.key")
                .description("Time to key a cacheable call: for a directory, its tree digest (decision 034)")
                .register(meters);
    }

    @Override
    public Optional<String> keyOf(ToolDescriptor tool, Map<String, Object> arguments, Optional<Path> input) {
        if (!cachedTools.contains(tool.name())) {
            return Optional.empty();
        }
        try {
            return Optional.of(keying.record(() -> digests.of(tool.name(), tool.version() + "+" + analyzerBuild,
                    arguments, input)));
        } catch (RuntimeException e) {
            log.debug("no cache key for {} ({}); running it", tool.name(), e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<JsonBytes> get(String digest) {
        byte[] local = l1.getIfPresent(digest);
        if (local != null) {
            l1Hits.increment();
            return Optional.of(bytes.decode(local));
        }
        l1Misses.increment();
        try {
            byte[] stored = redis.get(keys.result(digest));
            if (stored == null) {
                l2Misses.increment();
                return Optional.empty();
            }
            JsonBytes result = bytes.decode(stored);
            l1.put(digest, stored);
            l2Hits.increment();
            return Optional.of(result);
        } catch (RuntimeException e) {
            // Redis down, or an entry written by a build this one cannot read: a miss either way
            l2Misses.increment();
            log.debug("result cache lookup of {} failed: {}", digest, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void put(String digest, JsonBytes result) {
        byte[] stored = bytes.encode(result);
        l1.put(digest, stored);
        try {
            redis.set(keys.result(digest), stored, SetArgs.Builder.px(ttl.toMillis()));
        } catch (RuntimeException e) {
            log.debug("result {} not stored in Redis: {}", digest, e.getMessage());
        }
    }

    /**
     * Removes every result everywhere (an operator's {@code mcpca cache clear}): the Redis copies by SCAN (never
     * KEYS) and UNLINK in chunks, then every process's L1 through the invalidate channel.
     *
     * @return how many Redis entries were removed
     */
    public long clearAll() {
        long removed = clearEverywhere(redis, keys);
        l1.invalidateAll();
        return removed;
    }

    /**
     * As {@link #clearAll}, for a process without a cache of its own (the {@code mcpca cache clear} command):
     * the Redis copies, then every running process's L1 through the invalidate channel.
     */
    public static long clearEverywhere(RedisClusterCommands<String, byte[]> redis, Keys keys) {
        long removed = unlinkMatching(redis, keys.resultPattern());
        redis.publish(keys.invalidateChannel(), ALL.getBytes(StandardCharsets.UTF_8));
        return removed;
    }

    /**
     * Removes every per-file result and knowledge graph shared between workers ({@link RedisSharedFileResults});
     * the analyzers' own disk caches keep theirs.
     *
     * @return how many were removed
     */
    public static long clearSharedFiles(RedisClusterCommands<String, byte[]> redis, Keys keys) {
        return unlinkMatching(redis, keys.sharedFilePattern()) + unlinkMatching(redis, keys.knowledgeGraphPattern());
    }

    /** SCAN (never KEYS) and UNLINK, a page at a time. */
    private static long unlinkMatching(RedisClusterCommands<String, byte[]> redis, String pattern) {
        long removed = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(pattern).limit(1_000);
        do {
            KeyScanCursor<String> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                removed += redis.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return removed;
    }

    /** Removes a result everywhere: from Redis, and (through the invalidate channel) from every L1. */
    public void invalidate(String digest) {
        l1.invalidate(digest);
        redis.del(keys.result(digest));
        redis.publish(keys.invalidateChannel(), digest.getBytes(StandardCharsets.UTF_8));
    }

    /** Drops every process's L1 (L2 entries run out with their TTL). */
    public void invalidateAllLocalCopies() {
        l1.invalidateAll();
        redis.publish(keys.invalidateChannel(), ALL.getBytes(StandardCharsets.UTF_8));
    }

    /** Called for each invalidation event: drops this process's L1 copy. */
    public void dropLocal(String digestOrAll) {
        if (ALL.equals(digestOrAll)) {
            l1.invalidateAll();
        } else {
            l1.invalidate(digestOrAll);
        }
    }

    /** Whether L1 holds {@code digest} now (for tests and diagnostics). */
    /** Entries held in this process's L1 (approximate, as Caffeine counts them). */
    public long l1Entries() {
        return l1.estimatedSize();
    }

    public boolean inL1(String digest) {
        return l1.getIfPresent(digest) != null;
    }

    @Override
    public void close() {
        l1.invalidateAll();
    }

    private static Counter counter(MeterRegistry meters, String level, String outcome) {
        return Counter.builder("mcpca.cache.lookups")
                .description("Result cache lookups by level and outcome")
                .tag("level", level).tag("outcome", outcome)
                .register(meters);
    }
}
