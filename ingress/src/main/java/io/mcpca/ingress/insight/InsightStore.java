package io.mcpca.ingress.insight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.wire.ErrorCode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A principal's codebase insights in Redis: each a hash ({@code version}, {@code json}) with the retention as its time
 * to live, and the principal's index of them by last save time, both in the principal's slot and written together by
 * {@code saveInsight-2.lua} (compare-and-set on the version, quota, pruning). Reads never see another principal's
 * insights: every key names its owner.
 */
final class InsightStore {

    static final LuaScript SAVE = LuaScript.load("saveInsight-2.lua");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;
    private final InsightLimits limits;
    private final Clock clock;

    InsightStore(RedisClusterCommands<String, String> redis, Keys keys, InsightLimits limits, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Saves {@code insight} if the stored version is {@code expectedVersion} (0: it must not exist yet) and returns it
     * as saved (version + 1, update time now).
     */
    Insight save(String principal, Insight insight, long expectedVersion) {
        long now = clock.millis();
        Insight saved = insight.withVersion(expectedVersion + 1, now);
        List<Object> outcome = SAVE.runForList(redis,
                new String[] {keys.insight(principal, insight.id()), keys.insightsOf(principal)},
                Long.toString(expectedVersion), toJson(saved), insight.id(), Long.toString(now),
                Long.toString(limits.retention().toMillis()), Integer.toString(limits.maxPerPrincipal()));
        long code = (Long) outcome.get(0);
        if (code == -1) {
            long stored = (Long) outcome.get(1);
            if (stored == 0) {
                throw expectedVersion == 0
                        ? new InsightRefused(ErrorCode.INTERNAL, "insight id collision: " + insight.id())
                        : notFound(insight.id());
            }
            throw new InsightRefused(ErrorCode.VERSION_CONFLICT, "insight " + insight.id() + " is at version " + stored
                    + ", not " + expectedVersion + ": it was updated meanwhile; retrieve it and update again");
        }
        if (code == -2) {
            throw new InsightRefused(ErrorCode.QUOTA_EXCEEDED, "you hold " + outcome.get(1) + " insights, the most "
                    + "one principal may (mcpca.insights.max-per-principal); older ones expire after "
                    + limits.retention().toDays() + " days without an update");
        }
        return saved;
    }

    /** The insight, if the principal has one by that id. */
    Optional<Insight> get(String principal, String id) {
        String json = redis.hget(keys.insight(principal, id), "json");
        return json == null ? Optional.empty() : Optional.of(fromJson(json));
    }

    /**
     * Ids of the principal's insights, most recently saved first, from {@code offset}; an id whose insight expired
     * meanwhile may still be listed ({@link #get} then finds nothing).
     */
    List<String> recent(String principal, long offset, int count) {
        String index = keys.insightsOf(principal);
        redis.zremrangebyscore(index, io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY,
                (double) (clock.millis() - limits.retention().toMillis() - 1)));
        return redis.zrevrange(index, offset, offset + count - 1);
    }

    static InsightRefused notFound(String id) {
        return new InsightRefused(ErrorCode.NOT_FOUND, "no insight " + id + " (it never existed, expired, or is "
                + "another principal's)");
    }

    private static String toJson(Insight insight) {
        try {
            return JSON.writeValueAsString(insight);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an insight always serializes", e);
        }
    }

    private static Insight fromJson(String json) {
        try {
            return JSON.readValue(json, Insight.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored insight is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
