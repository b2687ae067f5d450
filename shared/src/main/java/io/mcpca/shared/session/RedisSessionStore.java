package io.mcpca.shared.session;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@link SessionStore} on Redis. A session is a hash at {@code mcpca:session:{sid}} (layout in
 * {@code updateSession-2.lua}); its lease and fence counter share the {@code {sid}} hash tag, so the
 * fenced write is one atomic script in one Cluster slot.
 */
public final class RedisSessionStore implements SessionStore {

    private static final LuaScript UPDATE = LuaScript.load("updateSession-2.lua");
    private static final LuaScript CREATE = LuaScript.load("createSession-1.lua");
    /** SCAN page size: large enough for few round trips, small enough not to stall the server. */
    private static final int SCAN_COUNT = 500;
    private static final String ATTRIBUTE = "a:";

    private final RedisCommands<String, String> redis;
    private final Keys keys;
    private final SessionLock lock;
    private final ContentionBackoff backoff;
    private final Clock clock;

    public RedisSessionStore(RedisCommands<String, String> redis, Keys keys, Clock clock, ContentionBackoff backoff) {
        this.redis = redis;
        this.keys = keys;
        this.lock = new SessionLock(redis, keys);
        this.backoff = backoff;
        this.clock = clock;
    }

    @Override
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

    @Override
    public long setSession(String sessionId, Map<String, String> attributes, Duration ttl) {
        return update(sessionId, ANY_VERSION, UNFENCED, attributes, ttl, "replace").version();
    }

    @Override
    public boolean clearSession(String sessionId) {
        return redis.unlink(keys.session(sessionId)) > 0;
    }

    @Override
    public List<String> getSessions() {
        String pattern = keys.session("*");
        String head = pattern.substring(0, pattern.length() - 2);
        TreeSet<String> ids = new TreeSet<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT));
            for (String key : page.getKeys()) {
                ids.add(key.substring(head.length(), key.length() - 1));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return List.copyOf(ids);
    }

    @Override
    public boolean createSessionIfNotExists(String sessionId, Map<String, String> attributes, Duration ttl) {
        List<String> args = new ArrayList<>(List.of(Long.toString(ttl.toMillis()), Long.toString(clock.millis()),
                Integer.toString(Session.SCHEMA)));
        attributes.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return CREATE.runForLong(redis, new String[] {keys.session(sessionId)}, args.toArray(String[]::new)) == 1;
    }

    @Override
    public SessionWrite compareAndSet(String sessionId, long expectedVersion, long fence,
                                      Map<String, String> attributes, Duration ttl) {
        return update(sessionId, expectedVersion, fence, attributes, ttl, "merge");
    }

    @Override
    public boolean extendSessionTtl(String sessionId, Duration ttl) {
        return Boolean.TRUE.equals(redis.pexpire(keys.session(sessionId), ttl.toMillis()));
    }

    @Override
    public Optional<Duration> getSessionTtl(String sessionId) {
        long pttl = redis.pttl(keys.session(sessionId));
        if (pttl == -2) {
            return Optional.empty();
        }
        return Optional.of(pttl == -1 ? ChronoUnit.FOREVER.getDuration() : Duration.ofMillis(pttl));
    }

    @Override
    public Optional<LockLease> tryAcquireLock(String sessionId, Duration leaseTtl) {
        return lock.tryAcquire(sessionId, leaseTtl);
    }

    @Override
    public Optional<LockLease> acquireLock(String sessionId, Duration leaseTtl, Duration timeout) {
        return backoff.acquire(() -> lock.tryAcquire(sessionId, leaseTtl), clock.millis() + timeout.toMillis());
    }

    @Override
    public Optional<ScriptError> releaseLock(LockLease lease) {
        return lock.release(lease);
    }

    @Override
    public Optional<ScriptError> extendLock(LockLease lease, Duration leaseTtl) {
        return lock.extend(lease, leaseTtl);
    }

    private SessionWrite update(String sessionId, long expectedVersion, long fence, Map<String, String> attributes,
                                Duration ttl, String mode) {
        List<String> args = new ArrayList<>(List.of(Long.toString(expectedVersion), Long.toString(fence),
                Long.toString(ttl.toMillis()), Long.toString(clock.millis()), mode, Integer.toString(Session.SCHEMA)));
        attributes.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        long result = UPDATE.runForLong(redis, new String[] {keys.session(sessionId), keys.fence(sessionId)},
                args.toArray(String[]::new));
        return ScriptError.of(result).map(SessionWrite::refused).orElseGet(() -> SessionWrite.written(result));
    }
}
