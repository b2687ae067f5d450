package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bearer authentication on the ingress, and that one principal never reaches another's session. */
class AuthIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static PipelineHarness harness;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    static final String LIST_TOOLS = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}";

    @BeforeAll
    static void start() {
        Fixtures.copyTo(root);
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root,
                "--mcpca.ingress.tokens.alice=alice-secret", "--mcpca.ingress.tokens.bob=bob-secret");
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aCallerWithoutAValidTokenIsRefused() throws Exception {
        assertThatThrownBy(() -> harness.client(Optional.empty())).isNotNull();
        assertThatThrownBy(() -> harness.client(Optional.of("wrong"))).isNotNull();
        HttpResponse<String> response = post(INITIALIZE, Optional.empty(), Optional.empty());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aCallerWithATokenGetsAnswers() {
        McpSyncClient alice = harness.client(Optional.of("alice-secret"));
        assertThat(PipelineIT.structured(alice.callTool(new CallToolRequest("ping", Map.of()))))
                .containsEntry("pong", true);
    }

    @Test
    void onePrincipalCannotUseAnothersSession() throws Exception {
        HttpResponse<String> opened = post(INITIALIZE, Optional.of("alice-secret"), Optional.empty());
        assertThat(opened.statusCode()).isEqualTo(200);
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();

        assertThat(post(LIST_TOOLS, Optional.of("bob-secret"), Optional.of(session)).statusCode()).isEqualTo(404);
        assertThat(post(LIST_TOOLS, Optional.of("alice-secret"), Optional.of(session)).statusCode()).isEqualTo(200);
    }

    /** A tokened server gave its metrics to anyone (issue 13): the actuator but health needs a token too. */
    @Test
    void theActuatorButHealthNeedsAToken() throws Exception {
        assertThat(get("/actuator/health", Optional.empty()).statusCode()).isEqualTo(200);
        for (String path : new String[] {"/actuator/prometheus", "/actuator/info", "/actuator/health/../prometheus"}) {
            HttpResponse<String> refused = get(path, Optional.empty());
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.body()).doesNotContain("jvm_");
            assertThat(get(path, Optional.of("wrong")).statusCode()).as(path).isEqualTo(401);
        }
        HttpResponse<String> metrics = get("/actuator/prometheus", Optional.of("bob-secret"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_");
    }

    private static HttpResponse<String> get(String path, Optional<String> token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(harness.url() + path));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutTokensTheIngressRefusesToListenBeyondLoopback() {
        assertThatThrownBy(() -> McpcaApplication.start("--mcpca.worker.enabled=false", "--server.port=0",
                "--server.address=0.0.0.0", "--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + REDIS.newPrefix(),
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false"))
                .hasStackTraceContaining("without authentication");
    }

    private static HttpResponse<String> post(String body, Optional<String> token, Optional<String> session)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(harness.url() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        session.ifPresent(s -> request.header("Mcp-Session-Id", s));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
