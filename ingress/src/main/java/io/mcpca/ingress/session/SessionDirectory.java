package io.mcpca.ingress.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.session.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who owns which session, over the session keys a call writes ({@code mcpca:session:{sid}}, field {@code _owner}):
 * create a named or unnamed session ({@code createSession-1.lua}), mark an MCP connection's session as its
 * principal's before its first session-locked call ({@code ownSession-1.lua}), check that a call naming a session
 * owns it, and read, clear and list a principal's sessions. A session that is not the caller's is reported as not
 * found, never as someone else's.
 */
public final class SessionDirectory {

    static final LuaScript CREATE = LuaScript.load("createSession-1.lua");
    static final LuaScript OWN = LuaScript.load("ownSession-1.lua");
    /** SCAN page size (keys looked at per round trip), as SessionStore's. */
    static final int SCAN_COUNT = 500;
    private static final SecureRandom IDS = new SecureRandom();

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;
    private final Duration defaultTtl;
    private final Clock clock;
    /** Connection sessions this ingress has marked already (one script per connection session, not per call). */
    private final Cache<String, Boolean> marked = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    /** @param defaultTtl a session's lifetime after its last call (the workers' {@code mcpca.worker.session-ttl}) */
    public SessionDirectory(RedisClusterCommands<String, String> redis, Keys keys, Duration defaultTtl, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.defaultTtl = defaultTtl;
        this.clock = clock;
    }

    /** A created (or found again, for a name used before) session. */
    public record Created(String sessionId, boolean created) {
    }

    /**
     * A session of {@code principal}: a name gives the same id every time (derived from principal and name), so any
     * connection of the principal finds it again; no name gives a new random id.
     */
    public Created create(String principal, String name, Optional<Duration> ttl) {
        Duration lifetime = ttl.orElse(defaultTtl);
        for (int attempt = 0; ; attempt++) {
            String sessionId = name.isEmpty() ? "s-" + random() : "n-" + digest(principal + "\0" + name);
            long outcome = CREATE.runForLong(redis, new String[] {keys.session(sessionId)}, principal, name,
                    Long.toString(lifetime.toMillis()), Long.toString(clock.millis()), Integer.toString(Session.SCHEMA));
            if (outcome >= 0) {
                return new Created(sessionId, outcome == 1);
            }
            if (!name.isEmpty() || attempt == 3) {
                throw new IllegalStateException("session id " + sessionId + " is taken by another principal");
            }
        }
    }

    /** Marks an MCP connection's session as {@code principal}'s, once per session on this ingress. */
    public void markConnectionSession(String principal, String sessionId) {
        if (marked.getIfPresent(sessionId) == null) {
            OWN.runForLong(redis, new String[] {keys.session(sessionId)}, principal, Long.toString(clock.millis()),
                    Integer.toString(Session.SCHEMA), Long.toString(defaultTtl.toMillis()));
            marked.put(sessionId, Boolean.TRUE);
        }
    }

    /** Whether the session exists and is {@code principal}'s. */
    public boolean owns(String principal, String sessionId) {
        return validId(sessionId) && principal.equals(redis.hget(keys.session(sessionId), Session.OWNER_FIELD));
    }

    /** The session's record (every field) if it is {@code principal}'s. */
    public Optional<Map<String, String>> record(String principal, String sessionId) {
        if (!validId(sessionId)) {
            return Optional.empty();
        }
        Map<String, String> hash = redis.hgetall(keys.session(sessionId));
        return hash != null && principal.equals(hash.get(Session.OWNER_FIELD)) ? Optional.of(hash) : Optional.empty();
    }

    /** Milliseconds the session has left (-1: no expiry, -2: gone). */
    public long ttlMs(String sessionId) {
        return redis.pttl(keys.session(sessionId));
    }

    /** Whether a call of the session runs now (its lease is held). */
    public boolean running(String sessionId) {
        return redis.exists(keys.lock(sessionId)) > 0;
    }

    /** Deletes the session if it is {@code principal}'s; false if it is not (or gone). */
    public boolean clear(String principal, String sessionId) {
        if (!owns(principal, sessionId)) {
            return false;
        }
        marked.invalidate(sessionId);
        return redis.unlink(keys.session(sessionId)) > 0;
    }

    /** One page of a principal's sessions, and the SCAN cursor to go on from ("0": done). */
    public record Page(List<String> sessionIds, String cursor) {
    }

    /**
     * The principal's sessions from {@code cursor} (a SCAN cursor; "0" to start), until {@code limit} are found or
     * {@code maxScanned} keys were looked at: SCAN, never KEYS. As SCAN promises, a session that lives through the
     * whole listing is listed, possibly twice.
     */
    public Page list(String principal, String cursor, int limit, int maxScanned) {
        List<String> found = new ArrayList<>();
        ScanCursor at = ScanCursor.of(cursor);
        int scanned = 0;
        do {
            KeyScanCursor<String> page = redis.scan(at, ScanArgs.Builder.matches(keys.sessionPattern()).limit(SCAN_COUNT));
            for (String key : page.getKeys()) {
                if (principal.equals(redis.hget(key, Session.OWNER_FIELD))) {
                    found.add(keys.sessionIdOf(key));
                }
            }
            scanned += SCAN_COUNT;
            at = page;
        } while (!at.isFinished() && found.size() < limit && scanned < maxScanned);
        return new Page(found, at.isFinished() ? "0" : at.getCursor());
    }

    /** A session id a caller may name: what this class and MCP transports hand out, nothing with braces or spaces. */
    static boolean validId(String sessionId) {
        return sessionId != null && sessionId.matches("[A-Za-z0-9._:-]{1,128}");
    }

    private static String random() {
        byte[] bytes = new byte[12];
        IDS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String digest(String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
