package io.mcpca.ingress.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostOriginFilterTest {

    private final HostOriginFilter loopbackOnly = new HostOriginFilter(List.of(), List.of());
    private final HostOriginFilter configured = new HostOriginFilter(List.of("MCP.example.com:443"),
            List.of("https://app.example.com"));

    @Test
    void loopbackHostsPassOnAnyPort() {
        for (String host : new String[] {"localhost", "localhost:8080", "127.0.0.1:1", "[::1]", "[::1]:9000", "LocalHost"}) {
            assertThat(loopbackOnly.hostAllowed(host)).as(host).isTrue();
        }
    }

    @Test
    void otherHostsAndMissingOnesAreRefused() {
        for (String host : new String[] {"evil.example", "evil.example:8080", "127.0.0.2", "localhost.evil.example",
                "[::2]", "", null}) {
            assertThat(loopbackOnly.hostAllowed(host)).as(String.valueOf(host)).isFalse();
        }
    }

    @Test
    void configuredHostsPassWhateverPortTheyWereGivenWith() {
        assertThat(configured.hostAllowed("mcp.example.com")).isTrue();
        assertThat(configured.hostAllowed("mcp.example.com:8443")).isTrue();
        assertThat(configured.hostAllowed("example.com")).isFalse();
        assertThat(new HostOriginFilter(List.of("*"), List.of()).hostAllowed("anything")).isTrue();
    }

    @Test
    void anOriginIsOptionalButMustBeLoopbackOrConfigured() {
        assertThat(loopbackOnly.originAllowed(null)).isTrue();
        assertThat(loopbackOnly.originAllowed("http://localhost:3000")).isTrue();
        assertThat(loopbackOnly.originAllowed("https://[::1]")).isTrue();
        assertThat(loopbackOnly.originAllowed("http://evil.example")).isFalse();
        assertThat(loopbackOnly.originAllowed("null")).isFalse();
        assertThat(loopbackOnly.originAllowed("file://localhost")).isFalse();
        assertThat(configured.originAllowed("https://app.example.com")).isTrue();
        assertThat(configured.originAllowed("https://app.example.com:444")).isFalse();
    }
}
