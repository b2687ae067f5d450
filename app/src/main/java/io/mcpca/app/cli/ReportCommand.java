package io.mcpca.app.cli;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mcpca report <dir> [-o FILE] [--url URL] [--token TOKEN]}: the HTML report of a tree, written to FILE (or
 * stdout), titled with the directory's name. The page is the {@code generate-report} tool's (the ingress assembles it from the analysis tools), called
 * like {@code mcpca analyze} calls analyze-metrics: on the server at {@code --url} (or MCPCA_URL), else on an
 * embedded one rooted at the directory, so it always comes through the real pipeline.
 */
public final class ReportCommand {

    /** A whole-repository walk of a large tree can take minutes on 2 cores (as analyze). */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(30);
    private static final String USAGE = "usage: mcpca report <dir> [-o report.html] [--url http://host:port/mcp] "
            + "[--token TOKEN]";

    private ReportCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out);
    }

    /** Runs the command; without {@code -o} the page goes to {@code out}. Returns the process exit code. */
    public static int run(String[] args, PrintStream out) {
        String dirArgument = null;
        Optional<Path> output = Optional.empty();
        Optional<String> url = Optional.ofNullable(System.getenv("MCPCA_URL")).filter(s -> !s.isBlank());
        Optional<String> token = Optional.ofNullable(System.getenv("MCPCA_TOKEN")).filter(s -> !s.isBlank());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean valued = arg.equals("-o") || arg.equals("--output") || arg.equals("--url") || arg.equals("--token");
            if (valued && i + 1 >= args.length) {
                return usage(arg + " needs a value");
            }
            switch (arg) {
                case "-o", "--output" -> output = Optional.of(Path.of(args[++i]));
                case "--url" -> url = Optional.of(args[++i]);
                case "--token" -> token = Optional.of(args[++i]);
                default -> {
                    if (arg.startsWith("-") || dirArgument != null) {
                        return usage(arg.startsWith("-") ? "unknown option " + arg : "expected one directory");
                    }
                    dirArgument = arg;
                }
            }
        }
        if (dirArgument == null) {
            return usage("expected one directory");
        }
        Path dir = Path.of(dirArgument).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            System.err.println("mcpca report: not a directory: " + dirArgument);
            return 2;
        }
        Optional<String> bearer = token;
        try {
            String title = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
            Optional<String> page = McpClients.withServer(url, dir, (server, path) -> report(server, bearer, path, title));
            if (page.isEmpty()) {
                return 1;
            }
            if (output.isPresent()) {
                Files.writeString(output.get(), page.get(), StandardCharsets.UTF_8);
                System.err.println("mcpca report: wrote " + output.get());
            } else {
                out.print(page.get());
            }
            return 0;
        } catch (IOException e) {
            System.err.println("mcpca report: cannot write " + output.orElseThrow() + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("mcpca report: " + e.getMessage());
            return 1;
        }
    }

    /** The page, or empty when the tool answered an error (printed to stderr). */
    private static Optional<String> report(String url, Optional<String> token, String path, String title) {
        boolean terminal = McpClients.onTerminal();
        try (McpSyncClient client = McpClients.client(url, token).requestTimeout(CALL_TIMEOUT)
                .progressConsumer(McpClients.filesProgress(terminal)).build()) {
            client.initialize();
            CallToolResult result = client.callTool(CallToolRequest.builder("generate-report")
                    .arguments(Map.of("path", path, "title", title)).progressToken("report").build());
            McpClients.clearProgress(terminal);
            if (Boolean.TRUE.equals(result.isError())) {
                result.content().stream().filter(TextContent.class::isInstance)
                        .forEach(c -> System.err.println("mcpca report: " + ((TextContent) c).text()));
                return Optional.empty();
            }
            return Optional.of(String.valueOf(AnalyzeCommand.asMap(result.structuredContent()).get("html")));
        }
    }

    private static int usage(String problem) {
        System.err.println("mcpca report: " + problem);
        System.err.println(USAGE);
        return 2;
    }
}
