package io.mcpca.ingress.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/** The configured bearer tokens, principal name to token; one check for {@code /mcp} and the actuator. */
public final class BearerTokens {

    public static final String LOCAL_PRINCIPAL = "local";

    private final Map<String, String> tokensByPrincipal;

    public BearerTokens(Map<String, String> tokensByPrincipal) {
        this.tokensByPrincipal = Map.copyOf(tokensByPrincipal);
    }

    /** No tokens configured: every caller is {@link #LOCAL_PRINCIPAL}. */
    public boolean isEmpty() {
        return tokensByPrincipal.isEmpty();
    }

    /** The principal an {@code Authorization} header names, if its bearer token is one of ours. */
    public Optional<String> authenticate(String authorization) {
        if (tokensByPrincipal.isEmpty()) {
            return Optional.of(LOCAL_PRINCIPAL);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, String> entry : tokensByPrincipal.entrySet()) {
            // constant-time comparison: the time taken does not tell how much of a token was right
            if (MessageDigest.isEqual(presented, entry.getValue().getBytes(StandardCharsets.UTF_8))) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }
}
