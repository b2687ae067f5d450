package io.mcpca.app.cli;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code mcpca batch submit <dirs|urls|files...> [--tool T] [--name N] [--deadline D] [--watch]} and
 * {@code mcpca batch status|results|cancel <batchId>}, {@code mcpca batch list}: the batch tools through a running
 * server ({@code --url}, {@code --token}, or MCPCA_URL / MCPCA_TOKEN) or an embedded one (rooted at the inputs;
 * since it stops with the command, {@code submit} then always watches). A file becomes a calculate-metrics item, a
 * directory analyze-metrics (calculate-metrics of each file with {@code --tool calculate-metrics}), a URL
 * analyze-repository; {@code --tool} names the tool of every item. {@code --watch} shows a progress bar on a
 * terminal (done/failed/total, rate, ETA) and a plain line every 2 s otherwise. Exit codes: 0 every item
 * succeeded, 1 some did not (or the command failed), 2 usage, 3 ({@code status}) not finished yet.
 */
public final class BatchCommand {

    static final String USAGE = "usage: mcpca batch submit <dirs|urls|files...> [--tool T] [--name N] [--deadline PT1H] "
            + "[--watch] | status ID | results ID [--state S] | cancel ID | list   [--url URL] [--token T]";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final long POLL_MS = 500;
    private static final long PLAIN_EVERY_MS = 2_000;

    private BatchCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err, System.console() != null);
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--watch") || args[i].equals("--json")) {
                    options.put(args[i], "true");
                } else if (args[i].startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(args[i] + " needs a value");
                    }
                    options.put(args[i], args[++i]);
                } else {
                    positional.add(args[i]);
                }
            }
            if (positional.isEmpty()) {
                throw new IllegalArgumentException("no command");
            }
        } catch (IllegalArgumentException e) {
            err.println("mcpca batch: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String command = positional.remove(0);
        Optional<String> url = Optional.ofNullable(options.getOrDefault("--url", System.getenv("MCPCA_URL")))
                .filter(s -> !s.isBlank());
        Optional<String> token = Optional.ofNullable(options.getOrDefault("--token", System.getenv("MCPCA_TOKEN")))
                .filter(s -> !s.isBlank());
        List<Path> roots = new ArrayList<>();
        if (command.equals("submit")) {
            for (String input : positional) {
                if (input.startsWith("file://")) {
                    // an embedded server must be rooted where a file:// repository is (file URLs are confined like paths)
                    try {
                        roots.add(Path.of(java.net.URI.create(input)).toAbsolutePath().normalize());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("not a file URL: " + input);
                    }
                } else if (!input.contains("://")) {
                    Path p = Path.of(input).toAbsolutePath().normalize();
                    roots.add(Files.isDirectory(p) ? p : p.getParent());
                }
            }
        }
        if (roots.isEmpty()) {
            roots.add(Path.of("").toAbsolutePath());
        }
        ConfigurableApplicationContext embedded = null;
        try {
            if (url.isEmpty()) {
                embedded = McpClients.embedded(roots.stream().distinct().toList());
                url = Optional.of(McpClients.urlOf(embedded));
                options.put("--watch", "true");
            }
            try (McpSyncClient client = McpClients.open(url.get(), token, TIMEOUT)) {
                return switch (command) {
                    case "submit" -> submit(client, positional, options, out, err, terminal);
                    case "status" -> status(client, one(positional), out);
                    case "results" -> results(client, one(positional), options, out);
                    case "cancel" -> print(out, call(client, "cancel-batch", Map.of("batchId", one(positional)))) ? 0 : 1;
                    case "list" -> print(out, call(client, "list-batches", Map.of())) ? 0 : 1;
                    default -> throw new IllegalArgumentException("unknown command '" + command + "'");
                };
            }
        } catch (IllegalArgumentException e) {
            err.println("mcpca batch: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (RuntimeException e) {
            err.println("mcpca batch: " + e.getMessage());
            return 1;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static int submit(McpSyncClient client, List<String> inputs, Map<String, String> options, PrintStream out,
                              PrintStream err, boolean terminal) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("submit needs at least one directory, file or URL");
        }
        Optional<String> tool = Optional.ofNullable(options.get("--tool"));
        List<Object> items = new ArrayList<>();
        for (String input : inputs) {
            if (input.contains("://")) {
                items.add(Map.of("tool", tool.orElse("analyze-repository"), "arguments", Map.of("url", input)));
                continue;
            }
            Path path = Path.of(input).toAbsolutePath().normalize();
            if (Files.isDirectory(path) && tool.filter("calculate-metrics"::equals).isPresent()) {
                try (var files = Files.walk(path)) {
                    files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.git/")).sorted()
                            .forEach(f -> items.add(Map.of("tool", "calculate-metrics", "arguments",
                                    Map.of("path", f.toString()))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                String defaultTool = Files.isDirectory(path) ? "analyze-metrics" : "calculate-metrics";
                items.add(Map.of("tool", tool.orElse(defaultTool), "arguments", Map.of("path", path.toString())));
            }
        }
        Map<String, Object> arguments = new LinkedHashMap<>(Map.of("items", items));
        Optional.ofNullable(options.get("--name")).ifPresent(n -> arguments.put("name", n));
        Optional.ofNullable(options.get("--deadline")).ifPresent(d -> arguments.put("deadline", d));
        Optional<Map<String, Object>> created = call(client, "submit-batch", arguments);
        if (created.isEmpty()) {
            return 1;
        }
        String batchId = String.valueOf(created.get().get("batchId"));
        out.println(batchId);
        return options.containsKey("--watch") ? watch(client, batchId, err, terminal) : 0;
    }

    /** Polls batch-status until the batch ends, drawing progress; the exit code says whether every item succeeded. */
    static int watch(McpSyncClient client, String batchId, PrintStream err, boolean terminal) {
        long lastPlain = 0;
        while (true) {
            Map<String, Object> status = call(client, "batch-status", Map.of("batchId", batchId))
                    .orElseThrow(() -> new IllegalStateException("batch " + batchId + " is gone"));
            boolean ended = List.of("COMPLETED", "CANCELLED").contains(String.valueOf(status.get("state")));
            long now = System.currentTimeMillis();
            if (terminal) {
                err.print("\r\033[K" + ProgressLine.render(status, true));
                if (ended) {
                    err.println();
                }
            } else if (ended || now - lastPlain >= PLAIN_EVERY_MS) {
                err.println(ProgressLine.render(status, false));
                lastPlain = now;
            }
            if (ended) {
                return allSucceeded(status) ? 0 : 1;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static int status(McpSyncClient client, String batchId, PrintStream out) {
        Optional<Map<String, Object>> status = call(client, "batch-status", Map.of("batchId", batchId));
        if (status.isEmpty()) {
            return 1;
        }
        print(out, status);
        String state = String.valueOf(status.get().get("state"));
        if (!List.of("COMPLETED", "CANCELLED").contains(state)) {
            return 3;
        }
        return allSucceeded(status.get()) ? 0 : 1;
    }

    /** Every page, as one JSON object: {"batchId", "items": [...], "totals"?}. */
    private static int results(McpSyncClient client, String batchId, Map<String, String> options, PrintStream out) {
        Map<String, Object> arguments = new LinkedHashMap<>(Map.of("batchId", batchId, "limit", 1000));
        Optional.ofNullable(options.get("--state")).ifPresent(s -> arguments.put("state", s));
        boolean allOk = true;
        boolean first = true;
        Object totals = null;
        out.print("{\"batchId\":\"" + batchId + "\",\"items\":[");
        while (true) {
            Optional<Map<String, Object>> page = call(client, "batch-results", arguments);
            if (page.isEmpty()) {
                out.println("]}");
                return 1;
            }
            totals = totals == null ? page.get().get("totals") : totals;
            for (Object item : (List<?>) page.get().getOrDefault("items", List.of())) {
                allOk &= item instanceof Map<?, ?> m && "SUCCEEDED".equals(m.get("state"));
                out.print((first ? "" : ",") + write(item));
                first = false;
            }
            if (!(page.get().get("nextCursor") instanceof String cursor)) {
                break;
            }
            arguments.put("cursor", cursor);
        }
        out.println("]" + (totals == null ? "" : ",\"totals\":" + write(totals)) + "}");
        return allOk ? 0 : 1;
    }

    private static boolean allSucceeded(Map<String, Object> status) {
        Object counts = status.get("counts");
        return counts instanceof Map<?, ?> c && status.get("total") instanceof Number total
                && c.get("SUCCEEDED") instanceof Number ok && ok.longValue() == total.longValue();
    }

    private static String one(List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException("expected one batch id");
        }
        return positional.get(0);
    }

    /** The tool's structured answer, or empty after printing its error to stderr. */
    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> call(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(new CallToolRequest(tool, args));
        if (Boolean.TRUE.equals(result.isError())) {
            result.content().stream().filter(TextContent.class::isInstance)
                    .forEach(c -> System.err.println("mcpca batch: " + ((TextContent) c).text()));
            return Optional.empty();
        }
        return Optional.of(result.structuredContent() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    private static boolean print(PrintStream out, Optional<Map<String, Object>> answer) {
        answer.ifPresent(a -> out.println(write(a)));
        return answer.isPresent();
    }

    private static String write(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
