package io.mcpca.ingress.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * On a server with bearer tokens, the actuator endpoints other than health ({@code /actuator/prometheus},
 * {@code /actuator/info}) need one of the same tokens: metrics name tools, principals and load, which is
 * nobody else's business. Health stays open for load balancers and orchestrators. Without tokens (loopback
 * or allow-anonymous) every caller passes, as on {@code /mcp}. On a separate {@code management.server.port}
 * the actuator runs in a context of its own, which this filter does not reach (see README, Security).
 */
public final class ActuatorAuthFilter extends OncePerRequestFilter {

    private final BearerTokens tokens;
    private final String healthPath;

    /** @param basePath the actuator's base path ({@code management.endpoints.web.base-path}, {@code /actuator}) */
    public ActuatorAuthFilter(BearerTokens tokens, String basePath) {
        this.tokens = tokens;
        this.healthPath = basePath + "/health";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the decoded, normalized path ("/actuator/health/../prometheus" is prometheus)
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean health = path.equals(healthPath) || path.startsWith(healthPath + "/");
        if (!health && tokens.authenticate(request.getHeader("Authorization")).isEmpty()) {
            BearerAuthFilter.refuseUnauthenticated(response);
            return;
        }
        chain.doFilter(request, response);
    }
}
