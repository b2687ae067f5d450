package io.mcpca.app;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * As {@link PipelineHarness}, with the contexts in reach (to look at a worker's analyzer pool) and
 * separate arguments per role; the worker is optional (backpressure tests want nobody consuming).
 */
final class FlowHarness implements AutoCloseable {

    private final Optional<ConfigurableApplicationContext> worker;
    private final ConfigurableApplicationContext ingress;
    private final List<McpSyncClient> clients = new ArrayList<>();
    private final int port;

    FlowHarness(String redisUri, String prefix, Path root, List<String> workerArgs, List<String> ingressArgs,
                boolean withWorker) {
        List<String> common = List.of("--mcpca.redis-url=" + redisUri, "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false");
        worker = withWorker ? Optional.of(McpcaApplication.start(args(common, workerArgs,
                "--mcpca.ingress.enabled=false", "--mcpca.worker.pools=fast"))) : Optional.empty();
        ingress = McpcaApplication.start(args(common, ingressArgs, "--mcpca.worker.enabled=false", "--server.port=0"));
        port = Integer.parseInt(ingress.getEnvironment().getProperty("local.server.port"));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    ConfigurableApplicationContext worker() {
        return worker.orElseThrow();
    }

    ConfigurableApplicationContext ingress() {
        return ingress;
    }

    McpSyncClient client() {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url()).endpoint("/mcp").build())
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
        worker.ifPresent(ConfigurableApplicationContext::close);
    }

    private static String[] args(List<String> common, List<String> role, String... more) {
        return Stream.of(common.stream(), role.stream(), Stream.of(more)).flatMap(s -> s).toArray(String[]::new);
    }
}
