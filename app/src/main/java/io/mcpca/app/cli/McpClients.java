package io.mcpca.app.cli;

import io.mcpca.app.McpcaApplication;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How the CLI clients talk MCP: to a running server ({@code --url}, a bearer {@code --token}) or to an embedded one
 * (ingress and workers in this JVM on a loopback port, rooted where the command needs), so every answer comes
 * through the real pipeline.
 */
final class McpClients {

    private McpClients() {
    }

    /** A client of {@code url} (its path is the MCP endpoint, {@code /mcp} when it has none); not initialized. */
    static McpClient.SyncSpec client(String url, Optional<String> token) {
        int split = url.indexOf("/", url.indexOf("://") + 3);
        String base = split < 0 ? url : url.substring(0, split);
        String endpoint = split < 0 ? "/mcp" : url.substring(split);
        HttpRequest.Builder request = HttpRequest.newBuilder();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint)
                .requestBuilder(request).build());
    }

    /** A started client, closed by the caller. */
    static McpSyncClient open(String url, Optional<String> token, Duration timeout) {
        McpSyncClient client = client(url, token).requestTimeout(timeout).build();
        client.initialize();
        return client;
    }

    /** An embedded server: ingress and workers in this JVM, quiet, on a free loopback port. */
    static ConfigurableApplicationContext embedded(List<Path> roots) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--server.shutdown=immediate", "--logging.level.root=WARN", "--logging.level.io.mcpca=WARN",
                "--management.endpoints.web.exposure.include=health"));
        for (int i = 0; i < roots.size(); i++) {
            args.add("--mcpca.roots[" + i + "]=" + roots.get(i));
        }
        return McpcaApplication.start(args.toArray(String[]::new));
    }

    /**
     * Runs {@code use} with a server's URL and the path {@code dir} has there: the server at {@code url} (whose roots
     * must hold {@code dir}, named by its absolute path), else an embedded server rooted at {@code dir} (named
     * {@code .}), closed afterwards.
     */
    static <T> T withServer(Optional<String> url, Path dir, BiFunction<String, String, T> use) {
        if (url.isPresent()) {
            return use.apply(url.get(), dir.toString());
        }
        try (ConfigurableApplicationContext embedded = embedded(List.of(dir))) {
            return use.apply(urlOf(embedded), ".");
        }
    }

    /** Progress is shown only on a terminal: redirected output stays clean for scripts. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    /** Shows a tree walk's progress ("analysed 120 of 900 files") on stderr, over itself, on a terminal. */
    static Consumer<ProgressNotification> filesProgress(boolean terminal) {
        return p -> {
            if (terminal) {
                System.err.printf("\r\033[Kanalysed %.0f%s files", p.progress(),
                        p.total() == null ? "" : " of " + p.total().longValue());
            }
        };
    }

    /** Clears the progress line once the answer is there. */
    static void clearProgress(boolean terminal) {
        if (terminal) {
            System.err.print("\r\033[K");
        }
    }

    static String urlOf(ConfigurableApplicationContext embedded) {
        return "http://127.0.0.1:" + embedded.getEnvironment().getProperty("local.server.port") + "/mcp";
    }
}
