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
 * analyzer binary; and MCP clients that reach the ingress over real HTTP. The worker is optional
 * (backpressure tests want nobody consuming) and both contexts are in reach (to look at a worker's
 * analyzer pool, say).
 */
public final class PipelineHarness implements AutoCloseable {

    private final Optional<ConfigurableApplicationContext> worker;
    private final ConfigurableApplicationContext ingress;
    private final List<McpSyncClient> clients = new ArrayList<>();
    private final int port;

    /** Both roles; {@code extra} goes to both. */
    public PipelineHarness(String redisUri, String prefix, Path root, String... extra) {
        this(redisUri, prefix, root, concat(List.of(extra), "--mcpca.worker.concurrency=4"), List.of(extra), true);
    }

    PipelineHarness(String redisUri, String prefix, Path root, List<String> workerArgs, List<String> ingressArgs,
                    boolean withWorker) {
        List<String> common = List.of("--mcpca.redis-url=" + redisUri, "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false");
        worker = withWorker ? Optional.of(McpcaApplication.start(args(common, workerArgs,
                "--mcpca.ingress.enabled=false", "--mcpca.worker.management-port=0"))) : Optional.empty();
        ingress = McpcaApplication.start(args(common, ingressArgs, "--mcpca.worker.enabled=false", "--server.port=0"));
        port = Integer.parseInt(ingress.getEnvironment().getProperty("local.server.port"));
    }

    /** A worker that serves only the fast pool (so heavy-pool calls back up), and an ingress. */
    static PipelineHarness fastPoolOnly(String redisUri, String prefix, Path root, List<String> workerArgs,
                                        List<String> ingressArgs, boolean withWorker) {
        return new PipelineHarness(redisUri, prefix, root, concat(workerArgs, "--mcpca.worker.pools=fast"),
                ingressArgs, withWorker);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    public ConfigurableApplicationContext worker() {
        return worker.orElseThrow();
    }

    ConfigurableApplicationContext ingress() {
        return ingress;
    }

    /** A new initialized client (and so a new MCP session). */
    public McpSyncClient client() {
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
        worker.ifPresent(ConfigurableApplicationContext::close);
    }

    private static List<String> concat(List<String> list, String more) {
        return Stream.concat(list.stream(), Stream.of(more)).toList();
    }

    private static String[] args(List<String> common, List<String> role, String... more) {
        return Stream.of(common.stream(), role.stream(), Stream.of(more)).flatMap(s -> s).toArray(String[]::new);
    }
}
