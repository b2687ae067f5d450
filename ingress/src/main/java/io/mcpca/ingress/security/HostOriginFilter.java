package io.mcpca.ingress.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import io.mcpca.ingress.mcp.JsonRpcErrors;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * DNS-rebinding protection for {@code /mcp}, which the MCP Streamable HTTP spec requires of a server on
 * localhost: 1. the {@code Host} header must name a loopback host (localhost, 127.0.0.1, [::1], any port) or
 * one of the configured hosts; 2. an {@code Origin} header, when present (browsers send it; other clients
 * usually do not), must be a loopback origin or one of the configured origins. Anything else is answered
 * 403 with a JSON-RPC error, before authentication and before the SDK, for every HTTP method.
 *
 * <p>Ours rather than the SDK 2.1.0's {@code DefaultServerTransportSecurityValidator}: that one answers a bad
 * Host with 421, matches hosts with their port exactly (loopback on any port needs a pattern per port), and
 * has no notion of "loopback by default".
 */
public final class HostOriginFilter extends OncePerRequestFilter {

    /** Allows every host (behind a proxy that checks them); never the default. */
    public static final String ANY = "*";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> hosts;
    private final Set<String> origins;

    /**
     * @param hosts   extra host names (without port) besides loopback; {@code *} allows every host
     * @param origins extra origins ({@code scheme://host[:port]}, exact) besides loopback; {@code *} allows every origin
     */
    public HostOriginFilter(List<String> hosts, List<String> origins) {
        this.hosts = normalized(hosts).stream().map(HostOriginFilter::withoutPort).collect(Collectors.toUnmodifiableSet());
        this.origins = normalized(origins);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hostAllowed(request.getHeader("Host"))) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_FORBIDDEN, JsonRpcErrors.REFUSED,
                    "Host not allowed", Optional.empty());
            return;
        }
        if (!originAllowed(request.getHeader("Origin"))) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_FORBIDDEN, JsonRpcErrors.REFUSED,
                    "Origin not allowed", Optional.empty());
            return;
        }
        chain.doFilter(request, response);
    }

    boolean hostAllowed(String hostHeader) {
        if (hosts.contains(ANY)) {
            return true;
        }
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String name = withoutPort(hostHeader.trim().toLowerCase(Locale.ROOT));
        return LOOPBACK.contains(name) || hosts.contains(name);
    }

    boolean originAllowed(String origin) {
        if (origin == null || origins.contains(ANY)) {
            return true;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (origins.contains(normalized)) {
            return true;
        }
        try {
            URI uri = new URI(normalized);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return web && uri.getHost() != null && LOOPBACK.contains(uri.getHost());
        } catch (java.net.URISyntaxException e) {
            return false; // "null" (sandboxed pages, file:) and garbage alike
        }
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port} to the name alone ({@code [v6]} keeps its brackets). */
    static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static Set<String> normalized(List<String> values) {
        return values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
