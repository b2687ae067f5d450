package io.mcpca.ingress.config;

import java.time.Duration;
import java.util.LinkedHashMap;
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
     * Bearer tokens, principal name to token. Empty: no authentication, every caller is the principal
     * {@code local} (fine on a laptop bound to 127.0.0.1; set tokens anywhere else).
     */
    private Map<String, String> tokens = new LinkedHashMap<>();

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
    public Map<String, String> getTokens() { return tokens; }
    public void setTokens(Map<String, String> tokens) { this.tokens = tokens; }
}
