package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP edge of {@code /mcp} against hostile requests: DNS rebinding (Host/Origin) and malformed
 * JSON-RPC envelopes, which the SDK answered with 500 and a stack trace (issue 13).
 */
class EdgeIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static PipelineHarness harness;
    static McpHttp http;
    static int port;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        Fixtures.copyTo(root);
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root,
                "--mcpca.ingress.allowed-hosts=mcp.example.test", "--mcpca.ingress.max-request-bytes=65536");
        http = new McpHttp(harness.url());
        port = Integer.parseInt(harness.url().substring(harness.url().lastIndexOf(':') + 1));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** DNS rebinding: a page of evil.example resolved to 127.0.0.1 reached the tools (issue 13, item 1). */
    @ParameterizedTest
    @ValueSource(strings = {"Host: evil.example\r\nOrigin: http://evil.example\r\n",
            "Host: evil.example\r\n", "Host: 127.0.0.1\r\nOrigin: http://evil.example\r\n",
            "Host: localhost\r\nOrigin: null\r\n"})
    void aForeignHostOrOriginIsRefusedForEveryMethod(String headers) throws Exception {
        String session = http.openSession();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}";
        for (String[] answer : new String[][] {
                McpHttp.raw(port, "POST", headers, McpHttp.INITIALIZE),
                McpHttp.raw(port, "POST", headers + "Mcp-Session-Id: " + session + "\r\n", call),
                McpHttp.raw(port, "GET", headers + "Mcp-Session-Id: " + session + "\r\n", ""),
                McpHttp.raw(port, "DELETE", headers + "Mcp-Session-Id: " + session + "\r\n", "")}) {
            assertThat(answer[0]).startsWith("HTTP/1.1 403");
            JsonNode error = JSON.readTree(answer[1]);
            assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32001);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host: localhost\r\n", "Host: LOCALHOST:9\r\nOrigin: http://localhost:3000\r\n",
            "Host: 127.0.0.1:1\r\nOrigin: https://127.0.0.1\r\n", "Host: [::1]:8080\r\nOrigin: http://[::1]:5173\r\n",
            "Host: mcp.example.test\r\n", "Host: mcp.example.test:443\r\n"})
    void loopbackNamesOnAnyPortAndConfiguredHostsPass(String headers) throws Exception {
        assertThat(McpHttp.raw(port, "POST", headers, McpHttp.INITIALIZE)[0]).startsWith("HTTP/1.1 200");
    }

    /** Reproducer of issue 13: null params of tools/call were a 500 with a stack trace. */
    @Test
    void nullParamsOfAToolCallAreInvalidParamsNotA500() throws Exception {
        String session = http.openSession();
        HttpResponse<String> answer = http.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":null}", session);
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("id").asInt()).isEqualTo(5);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-32700|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":",
            "-32700|{} trailing",
            "-32600|[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
            "-32600|\"just a string\"",
            "-32600|{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
            "-32600|{\"jsonrpc\":2,\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
            "-32600|{\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":1}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":\"ping\"}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"ping\"]}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":[]}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":null}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":null}",
    })
    void malformedMessagesGetTheErrorTheSpecNames(String codeAndBody) throws Exception {
        String session = http.openSession();
        int split = codeAndBody.indexOf('|');
        HttpResponse<String> answer = http.post(codeAndBody.substring(split + 1), session);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").path("code").asInt())
                .isEqualTo(Integer.parseInt(codeAndBody.substring(0, split)));
        EnvelopeFuzzIT.assertNoInternals(answer.body());
    }

    @Test
    void aBodyPastTheLimitIs413WithAJsonRpcError() throws Exception {
        String session = http.openSession();
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\","
                + "\"arguments\":{\"x\":\"" + "y".repeat(70_000) + "\"}}}";
        HttpResponse<String> answer = http.post(big, session);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(answer.body()).path("error").path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void invalidUtf8IsAParseError() throws Exception {
        String session = http.openSession();
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpResponse<String> answer = http.post(body, session);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    }

    /** "Unexpected response for unknown id" was a 500: this server asks clients nothing, so a response is dropped. */
    @Test
    void anUnsolicitedResponseIsAcceptedAndDropped() throws Exception {
        String session = http.openSession();
        assertThat(http.post("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}", session).statusCode()).isEqualTo(202);
        assertThat(http.post("{\"jsonrpc\":\"2.0\",\"id\":98,\"error\":{\"code\":1,\"message\":\"x\"}}", session)
                .statusCode()).isEqualTo(202);
    }

    /** A second initialize with null params on a live session was a 500. */
    @Test
    void aSecondInitializeWithNullParamsIsInvalidParams() throws Exception {
        String session = http.openSession();
        HttpResponse<String> answer = http.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":null}", session);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").path("code").asInt()).isEqualTo(-32602);
    }

    /** The SDK's own schema refusals were the one error result without _meta (2,349 in issue 13's probe). */
    @Test
    void aSchemaRefusalCarriesItsErrorCodeAndRetryable() {
        McpSyncClient client = harness.client();
        CallToolResult refused = client.callTool(new CallToolRequest("analyze-metrics", Map.of("path", 42, "x", true)));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.meta()).containsEntry("errorCode", "BAD_ARGUMENTS").containsEntry("retryable", false);
        assertThat(((TextContent) refused.content().get(0)).text()).startsWith("BAD_ARGUMENTS: ").contains("/path");
    }

    @Test
    void theSdkClientStillWorks() {
        McpSyncClient client = harness.client();
        assertThat(PipelineIT.structured(client.callTool(new CallToolRequest("ping", Map.of()))))
                .containsEntry("pong", true);
    }
}
