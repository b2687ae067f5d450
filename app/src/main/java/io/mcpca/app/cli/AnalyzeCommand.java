package io.mcpca.app.cli;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code mcpca analyze <dir> [--json] [--url URL] [--token TOKEN]}: runs {@code analyze-metrics} through
 * an MCP server and prints a per-language table with the hotspots (or, with {@code --json}, the JSON of every
 * page as one object). With {@code --url} (or MCPCA_URL) it
 * talks to that running server, whose roots must contain the directory; otherwise it starts an embedded
 * server (ingress and workers in this JVM) rooted at the directory and talks to it over loopback HTTP,
 * so the answer always comes through the real pipeline.
 */
public final class AnalyzeCommand {

    /** A whole-repository walk of a large tree can take minutes on 2 cores. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(30);
    /** Files asked per page by {@code --json}; the server also ends a page at ~4 MiB of JSON. */
    private static final int PAGE_FILES = 1000;

    private AnalyzeCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out);
    }

    /** Runs the command, printing the table or JSON to {@code out}; returns the process exit code. */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mcpca analyze: " + e.getMessage());
            System.err.println("usage: mcpca analyze <dir> [--json] [--url http://host:port/mcp] [--token TOKEN]");
            return 2;
        }
        Path dir = options.dir().toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            System.err.println("mcpca analyze: not a directory: " + options.dir());
            return 2;
        }
        try {
            return McpClients.withServer(options.url(), dir,
                    (url, path) -> call(url, options.token(), path, options.json(), out));
        } catch (RuntimeException e) {
            System.err.println("mcpca analyze: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The table needs the whole-tree totals only ({@code detail: summary}, one small answer); {@code --json}
     * follows {@code nextCursor} through every page (no single MCP answer may carry the files of a large tree).
     */
    private static int call(String url, Optional<String> token, String path, boolean json, PrintStream out) {
        boolean terminal = McpClients.onTerminal();
        try (McpSyncClient client = McpClients.client(url, token)
                .requestTimeout(CALL_TIMEOUT)
                .progressConsumer(McpClients.filesProgress(terminal))
                .build()) {
            client.initialize();
            if (json) {
                return printAllPages(client, path, out, terminal);
            }
            CallToolResult result = client.callTool(CallToolRequest.builder("analyze-metrics")
                    .arguments(Map.of("path", path, "detail", "summary")).progressToken("analyze").build());
            McpClients.clearProgress(terminal);
            if (failed(result)) {
                return 1;
            }
            out.print(LanguageTable.render(asMap(result.structuredContent())));
            return 0;
        }
    }

    /**
     * Prints one JSON object with the files of every page, in order, written as each page arrives (memory
     * stays at one page however large the tree), then the whole-tree parts of the first page. A failed page
     * ends the output early with exit code 1 and the error on stderr.
     */
    private static int printAllPages(McpSyncClient client, String path, PrintStream out, boolean terminal) {
        Map<String, Object> arguments = new LinkedHashMap<>(Map.of("path", path, "limit", PAGE_FILES));
        Map<String, Object> first = null;
        boolean anyFile = false;
        while (true) {
            CallToolResult page = client.callTool(CallToolRequest.builder("analyze-metrics").arguments(arguments)
                    .progressToken("analyze").build());
            McpClients.clearProgress(terminal);
            if (failed(page)) {
                return 1;
            }
            Map<String, Object> content = asMap(page.structuredContent());
            if (first == null) {
                first = content;
                out.print("{\"root\":" + write(content.get("root")) + ",\"files\":[");
            } else if (!Objects.equals(asMap(content.get("page")).get("totalFiles"),
                    asMap(first.get("page")).get("totalFiles"))) {
                System.err.println("mcpca analyze: the tree changed while its pages were read; run again for a"
                        + " consistent result");
            }
            if (content.get("files") instanceof List<?> files) {
                for (Object file : files) {
                    out.print((anyFile ? "," : "") + write(file));
                    anyFile = true;
                }
            }
            if (!(content.get("nextCursor") instanceof String cursor)) {
                break;
            }
            arguments.put("cursor", cursor);
        }
        out.print("]");
        for (String wholeTree : List.of("totals", "directories", "hotspots", "skipped")) {
            out.print(",\"" + wholeTree + "\":" + write(first.get(wholeTree)));
        }
        out.println("}");
        return 0;
    }

    private static boolean failed(CallToolResult result) {
        if (!Boolean.TRUE.equals(result.isError())) {
            return false;
        }
        result.content().stream().filter(TextContent.class::isInstance)
                .forEach(c -> System.err.println("mcpca analyze: " + ((TextContent) c).text()));
        return true;
    }

    private static String write(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    record Options(Path dir, boolean json, Optional<String> url, Optional<String> token) {

        static Options parse(String[] args) {
            List<String> positional = new ArrayList<>();
            boolean json = false;
            String url = System.getenv("MCPCA_URL");
            String token = System.getenv("MCPCA_TOKEN");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> json = true;
                    case "--url" -> url = value(args, ++i, "--url");
                    case "--token" -> token = value(args, ++i, "--token");
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        positional.add(args[i]);
                    }
                }
            }
            if (positional.size() != 1) {
                throw new IllegalArgumentException("expected one directory, got " + positional.size());
            }
            return new Options(Path.of(positional.get(0)), json,
                    Optional.ofNullable(url).filter(s -> !s.isBlank()),
                    Optional.ofNullable(token).filter(s -> !s.isBlank()));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
