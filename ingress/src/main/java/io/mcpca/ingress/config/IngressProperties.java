package io.mcpca.ingress.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Ingress settings ({@code mcpca.ingress.*}). */
@ConfigurationProperties("mcpca.ingress")
public class IngressProperties {

    /** Run the ingress role (the MCP server) in this process. */
    private boolean enabled = true;

    /** Serve MCP over this process's stdin/stdout instead of HTTP. */
    private boolean stdio = false;

    /** This instance's id (its reply stream is named after it); empty means a random id per start. */
    private String id = "";

    /** How long a tool call may take end to end before the caller gets DEADLINE_EXCEEDED. */
    private Duration callTimeout = Duration.ofMinutes(10);

    /** Largest accepted MCP request body, in bytes (inline content included). */
    private int maxRequestBytes = 8 * 1024 * 1024;

    /**
     * Largest string argument (inline {@code content}) in UTF-8 bytes. 1 MiB is ~25,000 lines of code,
     * past any hand-written file; bigger inputs belong under an analysis root, passed by path.
     */
    private int maxInlineArgumentBytes = 1024 * 1024;

    /**
     * Most UTF-8 bytes of all string arguments of one call together ({@code analyze-files} carries many inline
     * files): 4 MiB, half the request limit, so a call's stream entry stays far below Redis's and the worker's
     * bounds; more files go in several calls (or a batch).
     */
    private long maxInlineCallBytes = 4L * 1024 * 1024;

    /**
     * Calls each principal may start per second (0: unlimited). 1,000/s is far above an agent's pace and
     * stops one runaway client from filling the queues; batch submissions have their own path.
     */
    private int rateLimitPerSecond = 1000;

    /**
     * Refuse new calls of a pool (retryable OVERLOADED) while this many of its calls wait or run (XINFO
     * GROUPS lag + pending over its partitions; 0: no limit). 10,000 no-op calls drain in about a second;
     * 10,000 real analyses take minutes, which is when a client should back off.
     */
    private long maxPoolBacklog = 10_000;

    /**
     * How long the Redis circuit breaker stays open before trial calls: short, because a restarted Redis
     * answers within a second, and while open, calls are refused (or run locally) at once.
     */
    private Duration redisRetryAfter = Duration.ofSeconds(2);

    /**
     * Expiry of this ingress's reply stream, refreshed every third of it while the ingress lives, so the
     * stream of an ingress that died without stopping is deleted by Redis within this time.
     */
    private Duration replyStreamTtl = Duration.ofMinutes(5);

    /**
     * Bearer tokens, principal name to token. Empty: no authentication, every caller is the principal
     * {@code local} (fine on a laptop bound to 127.0.0.1; set tokens anywhere else).
     */
    private Map<String, String> tokens = new LinkedHashMap<>();

    /** Allow unauthenticated callers on a non-loopback address (no tokens configured); off, so it is a choice. */
    private boolean allowAnonymous = false;

    /**
     * Host names (no port) accepted in the {@code Host} header of {@code /mcp} besides the loopback names, which
     * are always accepted; {@code *} accepts every host. A server reached by another name lists it here
     * (DNS-rebinding protection, see {@link io.mcpca.ingress.security.HostOriginFilter}).
     */
    private List<String> allowedHosts = new ArrayList<>();

    /** Origins ({@code https://app.example:8443}) accepted besides loopback ones; {@code *} accepts every origin. */
    private List<String> allowedOrigins = new ArrayList<>();

    public List<String> getAllowedHosts() { return allowedHosts; }
    public void setAllowedHosts(List<String> allowedHosts) { this.allowedHosts = allowedHosts; }
    public List<String> getAllowedOrigins() { return allowedOrigins; }
    public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public boolean isStdio() { return stdio; }
    public void setStdio(boolean stdio) { this.stdio = stdio; }
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public Duration getCallTimeout() { return callTimeout; }
    public void setCallTimeout(Duration callTimeout) { this.callTimeout = callTimeout; }
    public int getMaxRequestBytes() { return maxRequestBytes; }
    public void setMaxRequestBytes(int maxRequestBytes) { this.maxRequestBytes = maxRequestBytes; }
    public int getMaxInlineArgumentBytes() { return maxInlineArgumentBytes; }
    public long getMaxInlineCallBytes() { return maxInlineCallBytes; }
    public void setMaxInlineCallBytes(long maxInlineCallBytes) { this.maxInlineCallBytes = maxInlineCallBytes; }
    public void setMaxInlineArgumentBytes(int maxInlineArgumentBytes) { this.maxInlineArgumentBytes = maxInlineArgumentBytes; }
    public int getRateLimitPerSecond() { return rateLimitPerSecond; }
    public void setRateLimitPerSecond(int rateLimitPerSecond) { this.rateLimitPerSecond = rateLimitPerSecond; }
    public long getMaxPoolBacklog() { return maxPoolBacklog; }
    public void setMaxPoolBacklog(long maxPoolBacklog) { this.maxPoolBacklog = maxPoolBacklog; }
    public Duration getRedisRetryAfter() { return redisRetryAfter; }
    public void setRedisRetryAfter(Duration redisRetryAfter) { this.redisRetryAfter = redisRetryAfter; }
    public Duration getReplyStreamTtl() { return replyStreamTtl; }
    public void setReplyStreamTtl(Duration replyStreamTtl) { this.replyStreamTtl = replyStreamTtl; }
    public boolean isAllowAnonymous() { return allowAnonymous; }
    public void setAllowAnonymous(boolean allowAnonymous) { this.allowAnonymous = allowAnonymous; }
    public Map<String, String> getTokens() { return tokens; }
    public void setTokens(Map<String, String> tokens) { this.tokens = tokens; }
}
