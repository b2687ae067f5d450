package io.mcpca.shared.session;

import io.lettuce.core.ExpireArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.keys.Keys;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads and administers sessions (the seed design's get, list, clear and TTL operations) over the keys a call
 * writes: a session is a hash at {@code mcpca:session:{sid}} in the layout {@code finishCall-4.lua} writes
 * ({@code _schema}, {@code _version}, {@code _fence}, {@code _updatedAtMs}, {@code a:<name>} per attribute).
 * There is no write here: a session is written only by a call's finish, under its lease's fence
 * ({@link io.mcpca.shared.exec.CallFinish}), so the lifecycle has one implementation.
 */
public final class SessionStore {

    /** SCAN page size: large enough for few round trips, small enough not to stall the server. */
    private static final int SCAN_COUNT = 500;
    private static final String ATTRIBUTE = "a:";

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;

    public SessionStore(RedisClusterCommands<String, String> redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The session, if it exists; a record of a layout this build does not know is refused. */
    public Optional<Session> getSession(String sessionId) {
        Map<String, String> hash = redis.hgetall(keys.session(sessionId));
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        int schema = Integer.parseInt(hash.getOrDefault("_schema", "0"));
        if (schema != Session.SCHEMA) {
            throw new IllegalStateException("session " + sessionId + " has record layout " + schema
                    + " (this build reads " + Session.SCHEMA + ")");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        hash.forEach((field, value) -> {
            if (field.startsWith(ATTRIBUTE)) {
                attributes.put(field.substring(ATTRIBUTE.length()), value);
            }
        });
        return Optional.of(new Session(schema, sessionId, Long.parseLong(hash.getOrDefault("_version", "0")),
                Long.parseLong(hash.getOrDefault("_fence", "0")), attributes,
                Long.parseLong(hash.getOrDefault("_updatedAtMs", "0"))));
    }

    /** Ids of all live sessions, sorted (incremental SCAN, never KEYS). */
    public List<String> getSessions() {
        String pattern = keys.sessionPattern();
        TreeSet<String> ids = new TreeSet<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT));
            for (String key : page.getKeys()) {
                ids.add(keys.sessionIdOf(key));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return List.copyOf(ids);
    }

    /**
     * Deletes the session; true if it existed. Its lease and fence counter are left alone, so a call running
     * meanwhile still finishes under its fence (and writes the session anew).
     */
    public boolean clearSession(String sessionId) {
        return redis.unlink(keys.session(sessionId)) > 0;
    }

    /**
     * Sets the session's time to live; false if it does not exist. Its fence counter lives at least as long (it
     * must outlive the session to keep fencing; see startCall-3.lua), so a longer ttl extends the fence too.
     */
    public boolean extendSessionTtl(String sessionId, Duration ttl) {
        boolean extended = Boolean.TRUE.equals(redis.pexpire(keys.session(sessionId), ttl.toMillis()));
        if (extended) {
            redis.pexpire(keys.fence(sessionId), ttl.toMillis(), ExpireArgs.Builder.gt());
        }
        return extended;
    }

    /** Time the session has left; empty if it does not exist (forever for a record without expiry). */
    public Optional<Duration> getSessionTtl(String sessionId) {
        long pttl = redis.pttl(keys.session(sessionId));
        if (pttl == -2) {
            return Optional.empty();
        }
        return Optional.of(pttl == -1 ? ChronoUnit.FOREVER.getDuration() : Duration.ofMillis(pttl));
    }
}
