package io.mcpca.app;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker and an ingress as two separate Spring contexts in this JVM, on a real Redis, with the real
 * analyzer binary; and MCP clients that reach the ingress over real HTTP.
 */
final class PipelineHarness implements AutoCloseable {

    private final ConfigurableApplicationContext worker;
    private final ConfigurableApplicationContext ingress;
    private final List<McpSyncClient> clients = new ArrayList<>();
    private final int port;

    PipelineHarness(String redisUri, String prefix, Path root, String... extra) {
        List<String> common = new ArrayList<>(List.of("--mcpca.redis-url=" + redisUri, "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false"));
        common.addAll(List.of(extra));
        worker = McpcaApplication.start(args(common, "--mcpca.ingress.enabled=false", "--mcpca.worker.concurrency=4"));
        ingress = McpcaApplication.start(args(common, "--mcpca.worker.enabled=false", "--server.port=0"));
        port = Integer.parseInt(ingress.getEnvironment().getProperty("local.server.port"));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A new initialized client (and so a new MCP session). */
    McpSyncClient client() {
        return client(Optional.empty());
    }

    McpSyncClient client(Optional<String> token) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url())
                        .endpoint("/mcp").requestBuilder(request).build())
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        clients.add(client);
        client.initialize();
        return client;
    }

    @Override
    public void close() {
        clients.forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // already closed by the test
            }
        });
        ingress.close();
        worker.close();
    }

    private static String[] args(List<String> common, String... more) {
        return Stream.concat(common.stream(), Stream.of(more)).toArray(String[]::new);
    }
}
