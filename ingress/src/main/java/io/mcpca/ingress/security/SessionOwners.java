package io.mcpca.ingress.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/**
 * Which principal opened each MCP session on this ingress, so one principal can never drive another's
 * session by presenting its id. Bounded and expiring: an idle session is forgotten (and then refused,
 * as the MCP transport would refuse an unknown session).
 */
public final class SessionOwners {

    /** Sessions idle this long are forgotten; an agent's session rarely idles for a whole day. */
    private static final Duration IDLE_EXPIRY = Duration.ofHours(24);
    /** Upper bound on remembered sessions: ~100 bytes each, so a few MB at most. */
    private static final long MAX_SESSIONS = 100_000;

    private final Cache<String, String> owners = Caffeine.newBuilder()
            .expireAfterAccess(IDLE_EXPIRY)
            .maximumSize(MAX_SESSIONS)
            .build();

    public void bind(String sessionId, String principal) {
        owners.asMap().putIfAbsent(sessionId, principal);
    }

    public Optional<String> ownerOf(String sessionId) {
        return Optional.ofNullable(owners.getIfPresent(sessionId));
    }
}
