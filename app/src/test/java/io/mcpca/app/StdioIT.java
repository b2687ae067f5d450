package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same calls over stdio: the MCP SDK client launches the server as a child JVM (ingress and
 * worker embedded, on the test's Redis) and speaks JSON-RPC over its stdin/stdout.
 */
class StdioIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static McpSyncClient client;

    @BeforeAll
    static void launch() {
        Fixtures.copyTo(root);
        String java = ProcessHandle.current().info().command().orElse("java");
        ServerParameters server = ServerParameters.builder(java)
                .args("-Dmcpca.analyzer.path=" + System.getProperty("mcpca.analyzer.path", ""),
                        "-cp", System.getProperty("java.class.path"), McpcaApplication.class.getName(),
                        "--mcpca.ingress.stdio=true", "--mcpca.redis-url=" + REDIS.uri(),
                        "--mcpca.prefix=" + REDIS.newPrefix(), "--mcpca.roots[0]=" + root,
                        "--spring.jmx.enabled=false")
                .build();
        StdioClientTransport transport = new StdioClientTransport(server, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> System.err.println("[server] " + line));
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.closeGracefully();
        }
    }

    @Test
    void listsAndCallsToolsOverStdio() {
        assertThat(client.listTools().tools()).extracting(Tool::name)
                .containsExactlyElementsOf(PipelineIT.TOOLS);
        for (String fixture : Fixtures.withExpectations(root)) {
            CallToolResult result = client.callTool(new CallToolRequest("calculate-metrics", Map.of("path", fixture)));
            Fixtures.assertAgrees(fixture, PipelineIT.structured(result), Fixtures.expected(root, fixture));
        }
    }

    @Test
    void badInputOverStdioIsAnErrorResultAndTheServerGoesOn() {
        CallToolResult outside = client.callTool(new CallToolRequest("calculate-metrics", Map.of("path", "../x.java")));
        assertThat(outside.isError()).isTrue();
        assertThat(PipelineIT.text(outside)).contains("PATH_OUTSIDE_ROOTS");
        assertThat(PipelineIT.structured(client.callTool(new CallToolRequest("ping", Map.of()))))
                .containsEntry("pong", true);
        assertThat(Files.exists(root.resolve("java"))).isTrue();
        assertThat(List.of(root.toFile().list())).isNotEmpty();
    }
}
