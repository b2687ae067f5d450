package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.app.McpcaApplication;
import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.testing.RedisNode;
import io.mcpca.shared.testing.TlsMaterial;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline over TLS: a redis-server that speaks only TLS and demands client certificates, an ingress and a worker
 * configured with {@code rediss://} and {@code mcpca.redis.tls.*} (CA, client certificate and key, full
 * verification). A subset of PipelineIT (a sessionless call, a session-locked call with its exact metrics, a call the
 * ingress answers itself), RedisRestartIT's kill-and-restart under calls, and a wrong CA refused at start by name.
 */
class RedisTlsPipelineIT {

    @TempDir
    static Path dir;
    private static TlsMaterial tls;
    private static RedisNode redis;

    @BeforeAll
    static void start() {
        tls = TlsMaterial.create(dir.resolve("certs"));
        redis = RedisNode.tlsServer(dir, "redis", tls, List.of("tls-auth-clients yes"));
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static String uri() {
        return "rediss://127.0.0.1:" + redis.port();
    }

    private static String[] tlsArgs(Path ca) {
        return new String[] {"--mcpca.redis.tls.ca-file=" + ca, "--mcpca.redis.tls.cert-file=" + tls.clientCert(),
                "--mcpca.redis.tls.key-file=" + tls.clientKey(), "--mcpca.redis.tls.verify-peer=FULL"};
    }

    @Test
    void callsAreAnsweredOverTls() throws Exception {
        Path root = java.nio.file.Files.createDirectories(dir.resolve("root"));
        try (PipelineHarness harness = new PipelineHarness(uri(), "tls1", root, tlsArgs(tls.caCert()))) {
            McpSyncClient client = harness.client();
            assertThat(call(client, "ping", Map.of()).isError()).isFalse();
            CallToolResult metrics = call(client, "calculate-metrics", Map.of("content",
                    "def f(a, b):\n    # note\n    if a and b:\n        return 1\n\n    return 2\n", "language", "python"));
            assertThat(metrics.isError()).as(text(metrics)).isFalse();
            @SuppressWarnings("unchecked")
            Map<String, Object> lines = (Map<String, Object>) ((Map<String, Object>) metrics.structuredContent())
                    .get("lines");
            assertThat(lines).containsEntry("code", 4).containsEntry("comment", 1).containsEntry("blank", 1);
            CallToolResult session = call(client, "list-sessions", Map.of());
            assertThat(session.isError()).as(text(session)).isFalse();
        }
    }

    @Test
    void callsFlowAgainAfterTheTlsRedisIsKilledAndRestarted() throws Exception {
        Path root = java.nio.file.Files.createDirectories(dir.resolve("root2"));
        RedisRestartIT.killAndRestartUnderCalls(uri(), "tls2", root, redis::kill, redis::start, tlsArgs(tls.caCert()));
    }

    @Test
    void aWrongCaStopsTheStartWithAMessageNamingIt() {
        String[] args = tlsArgs(tls.otherCaCert());
        long start = System.nanoTime();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> McpcaApplication.start(
                "--mcpca.redis-url=" + uri(), "--mcpca.prefix=tls3", "--mcpca.ingress.enabled=false",
                "--mcpca.worker.management-port=0", "--spring.jmx.enabled=false", args[0], args[1], args[2], args[3]));
        System.err.printf("wrong CA: the start failed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(failure).hasStackTraceContaining("Redis at " + uri() + " refused: its TLS certificate is not "
                + "signed by a CA this process trusts (mcpca.redis.tls.ca-file=" + tls.otherCaCert() + ")");
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
    }
}
