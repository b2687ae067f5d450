package io.mcpca.ingress.security;

import io.mcpca.ingress.mcp.JsonRpcErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates MCP HTTP requests and keeps sessions with their owners.
 *
 * <p>1. With tokens configured, {@code Authorization: Bearer <token>} names the principal; without
 * one, 401 and {@code WWW-Authenticate: Bearer}. With none configured, every caller is {@code local}.
 * 2. A request naming an {@code Mcp-Session-Id} that another principal opened is answered 404, exactly
 * as for a session that does not exist, so ids of others' sessions reveal nothing. 3. When a request
 * opens a session (the response carries a new session id), the session is bound to the principal.
 */
public final class BearerAuthFilter extends OncePerRequestFilter {

    public static final String PRINCIPAL_ATTRIBUTE = "mcpca.principal";
    public static final String LOCAL_PRINCIPAL = BearerTokens.LOCAL_PRINCIPAL;
    static final String SESSION_HEADER = "Mcp-Session-Id";

    private final BearerTokens tokens;
    private final SessionOwners owners;

    public BearerAuthFilter(Map<String, String> tokensByPrincipal, SessionOwners owners) {
        this.tokens = new BearerTokens(tokensByPrincipal);
        this.owners = owners;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> principal = authenticate(request.getHeader("Authorization"));
        if (principal.isEmpty()) {
            refuseUnauthenticated(response);
            return;
        }
        String sessionId = request.getHeader(SESSION_HEADER);
        if (sessionId != null) {
            Optional<String> owner = owners.ownerOf(sessionId);
            if (owner.isPresent() && !owner.get().equals(principal.get())) {
                reject(response, HttpServletResponse.SC_NOT_FOUND, "session not found");
                return;
            }
        }
        request.setAttribute(PRINCIPAL_ATTRIBUTE, principal.get());
        chain.doFilter(request, response);
        String opened = response.getHeader(SESSION_HEADER);
        if (sessionId == null && opened != null) {
            owners.bind(opened, principal.get());
        } else if (sessionId != null) {
            owners.bind(sessionId, principal.get());
        }
    }

    Optional<String> authenticate(String authorization) {
        return tokens.authenticate(authorization);
    }

    /** 401 with {@code WWW-Authenticate: Bearer} and a JSON-RPC error. */
    static void refuseUnauthenticated(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"mcpca\"");
        reject(response, HttpServletResponse.SC_UNAUTHORIZED, "missing or invalid bearer token");
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        JsonRpcErrors.write(response, status, JsonRpcErrors.REFUSED, message, Optional.empty());
    }
}
