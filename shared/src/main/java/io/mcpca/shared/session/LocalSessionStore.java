package io.mcpca.shared.session;

import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.ScriptError;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SessionStore} in this process's memory, for running without Redis (local fallback, tests).
 * Same contract as {@link RedisSessionStore}: every method is synchronized, which gives the
 * atomicity the Redis side gets from its Lua scripts; TTLs are checked against the injected clock
 * whenever an entry is touched.
 */
public final class LocalSessionStore implements SessionStore {

    private record Stored(Session session, long expiresAtMs) {
    }

    private record Held(String token, long expiresAtMs) {
    }

    private static final long NEVER = Long.MAX_VALUE;

    private final Map<String, Stored> sessions = new HashMap<>();
    private final Map<String, Held> locks = new HashMap<>();
    private final Map<String, Long> fences = new HashMap<>();
    private final Clock clock;
    private final ContentionBackoff backoff;
    private final SecureRandom random = new SecureRandom();

    public LocalSessionStore(Clock clock, ContentionBackoff backoff) {
        this.clock = clock;
        this.backoff = backoff;
    }

    @Override
    public synchronized Optional<Session> getSession(String sessionId) {
        return live(sessionId).map(Stored::session);
    }

    @Override
    public synchronized long setSession(String sessionId, Map<String, String> attributes, Duration ttl) {
        long version = live(sessionId).map(s -> s.session().version()).orElse(0L) + 1;
        long fence = live(sessionId).map(s -> s.session().fence()).orElse(0L);
        put(new Session(Session.SCHEMA, sessionId, version, fence, attributes, clock.millis()), ttl);
        return version;
    }

    @Override
    public synchronized boolean clearSession(String sessionId) {
        boolean existed = live(sessionId).isPresent();
        sessions.remove(sessionId);
        return existed;
    }

    @Override
    public synchronized List<String> getSessions() {
        return sessions.keySet().stream().filter(id -> live(id).isPresent()).sorted().toList();
    }

    @Override
    public synchronized boolean createSessionIfNotExists(String sessionId, Map<String, String> attributes,
                                                         Duration ttl) {
        if (live(sessionId).isPresent()) {
            return false;
        }
        put(new Session(Session.SCHEMA, sessionId, 1, 0, attributes, clock.millis()), ttl);
        return true;
    }

    @Override
    public synchronized SessionWrite compareAndSet(String sessionId, long expectedVersion, long fence,
                                                   Map<String, String> attributes, Duration ttl) {
        Optional<Session> current = live(sessionId).map(Stored::session);
        long written = current.map(Session::fence).orElse(0L);
        if (fence != UNFENCED && (fences.getOrDefault(sessionId, 0L) > fence || written > fence)) {
            return SessionWrite.refused(ScriptError.STALE_FENCE);
        }
        long version = current.map(Session::version).orElse(0L);
        if (expectedVersion != ANY_VERSION && expectedVersion != version) {
            return SessionWrite.refused(ScriptError.VERSION_MISMATCH);
        }
        Map<String, String> merged = new LinkedHashMap<>(current.map(Session::attributes).orElse(Map.of()));
        merged.putAll(attributes);
        put(new Session(Session.SCHEMA, sessionId, version + 1, fence == UNFENCED ? written : fence, merged,
                clock.millis()), ttl);
        return SessionWrite.written(version + 1);
    }

    @Override
    public synchronized boolean extendSessionTtl(String sessionId, Duration ttl) {
        Optional<Stored> stored = live(sessionId);
        stored.ifPresent(s -> put(s.session(), ttl));
        return stored.isPresent();
    }

    @Override
    public synchronized Optional<Duration> getSessionTtl(String sessionId) {
        return live(sessionId).map(s -> s.expiresAtMs() == NEVER ? ChronoUnit.FOREVER.getDuration()
                : Duration.ofMillis(s.expiresAtMs() - clock.millis()));
    }

    @Override
    public synchronized Optional<LockLease> tryAcquireLock(String sessionId, Duration leaseTtl) {
        if (heldLock(sessionId).isPresent()) {
            return Optional.empty();
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        locks.put(sessionId, new Held(token, clock.millis() + leaseTtl.toMillis()));
        long fence = fences.merge(sessionId, 1L, Long::sum);
        return Optional.of(new LockLease(sessionId, token, fence));
    }

    @Override
    public Optional<LockLease> acquireLock(String sessionId, Duration leaseTtl, Duration timeout) {
        // not synchronized: it sleeps between attempts, each attempt takes the monitor
        return backoff.acquire(() -> tryAcquireLock(sessionId, leaseTtl), clock.millis() + timeout.toMillis());
    }

    @Override
    public synchronized Optional<ScriptError> releaseLock(LockLease lease) {
        Optional<ScriptError> refused = checkHolder(lease);
        if (refused.isEmpty()) {
            locks.remove(lease.sessionId());
        }
        return refused;
    }

    @Override
    public synchronized Optional<ScriptError> extendLock(LockLease lease, Duration leaseTtl) {
        Optional<ScriptError> refused = checkHolder(lease);
        if (refused.isEmpty()) {
            locks.put(lease.sessionId(), new Held(lease.token(), clock.millis() + leaseTtl.toMillis()));
        }
        return refused;
    }

    private Optional<ScriptError> checkHolder(LockLease lease) {
        Optional<Held> held = heldLock(lease.sessionId());
        if (held.isEmpty()) {
            return Optional.of(ScriptError.NO_LOCK);
        }
        return held.get().token().equals(lease.token()) ? Optional.empty() : Optional.of(ScriptError.HELD_BY_OTHER);
    }

    private Optional<Held> heldLock(String sessionId) {
        Held held = locks.get(sessionId);
        if (held != null && held.expiresAtMs() <= clock.millis()) {
            locks.remove(sessionId);
            return Optional.empty();
        }
        return Optional.ofNullable(held);
    }

    private Optional<Stored> live(String sessionId) {
        Stored stored = sessions.get(sessionId);
        if (stored != null && stored.expiresAtMs() <= clock.millis()) {
            sessions.remove(sessionId);
            return Optional.empty();
        }
        return Optional.ofNullable(stored);
    }

    private void put(Session session, Duration ttl) {
        long expires = ttl.isZero() ? NEVER : clock.millis() + ttl.toMillis();
        sessions.put(session.sessionId(), new Stored(session, expires));
    }
}
