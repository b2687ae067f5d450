package io.mcpca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/batch part 1: N small files measured with calculate-metrics (a) as N individual MCP calls with K in flight
 * (one session per caller, as independent agents would be), (b) as one submit-batch of N items, polled with
 * batch-status until COMPLETED; same server, same workers, same run. Two disjoint file sets of the same shape, so
 * neither run finds the other's results in any cache. Prints items/s of each, their ratio, and how long
 * submit-batch took to answer.
 * With the system properties {@code bench.serverPid} and {@code bench.redisPort} it also prints each run's CPU per
 * item of the server JVM, its analyzers, Redis and this client ({@link PhaseCpu}); with {@code bench.jfrDir} also a
 * JFR recording of the server per run.
 * Usage: BatchBench baseUrl root items inFlight [rounds]
 */
public final class BatchBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path root = Path.of(args[1]);
        int items = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        // warm-up of the batch path (submit, the lane, outcomes, status) on a client of its own, so the measured
        // batch does not pay its JIT; the callers' clients come after it (a client idle through a batch finds its
        // connection closed by the server's keep-alive timeout, which the JDK client reports as an error)
        McpSyncClient warmer = client(url);
        try {
            batch(warmer, files(root, "warm-batch", 1000));
        } finally {
            warmer.closeGracefully();
        }
        System.out.printf("bench/batch: %d calculate-metrics items, %d in flight for the individual calls, %d cores, "
                + "%d round(s)%n", items, inFlight, Runtime.getRuntime().availableProcessors(), rounds);
        List<String> warm = files(root, "warm", 500);
        for (int round = 1; round <= rounds; round++) {
            List<McpSyncClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < inFlight; i++) {
                    clients.add(client(url));
                }
                // warm-up of the individual calls: JIT, connections (files of their own; later rounds hit caches)
                ConcurrentLoops.run(inFlight, warm.size(), (id, next) -> {
                    int n = 0;
                    while (next.getAsBoolean()) {
                        ok(clients.get(id), "calculate-metrics", Map.of("path", warm.get((id * 997 + n++) % warm.size())));
                    }
                });
                round(clients, root, items, round);
            } finally {
                clients.forEach(McpSyncClient::closeGracefully);
            }
        }
    }

    /** One round: the individual calls, then the batch, each on files of its own (never seen by any cache). */
    private static void round(List<McpSyncClient> clients, Path root, int items, int round) throws Exception {
        List<String> single = files(root, "single" + round, items);
        List<String> batched = files(root, "batch" + round, items);
        java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
        PhaseCpu cpu = new PhaseCpu(Long.getLong("bench.serverPid", 0L), System.getProperty("bench.redisPort", ""),
                java.util.Optional.ofNullable(System.getProperty("bench.jfrDir")).map(Path::of));
        cpu.begin("individual-" + round);
        double individual = ConcurrentLoops.run(clients.size(), items, (id, next) -> {
            while (next.getAsBoolean()) {
                ok(clients.get(id), "calculate-metrics", Map.of("path", single.get(cursor.getAndIncrement())));
            }
        });
        String individualCpu = cpu.perItem(items);
        cpu.begin("batch-" + round);
        long begin = System.nanoTime();
        Submitted run = batch(clients.get(0), batched);
        double seconds = (System.nanoTime() - begin) / 1e9;
        String batchCpu = cpu.perItem(items);
        double batch = items / seconds;
        double submitMs = run.submitMs();
        JsonNode status = run.status();
        System.out.printf("round %d (load average %s)%n", round, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("  individual MCP calls: %.0f items/s%n", individual);
        System.out.printf("  one batch:            %.0f items/s (submit to COMPLETED; server's own rate %s/s), "
                + "%d succeeded%n", batch, status.get("itemsPerSecond"), status.get("counts").get("SUCCEEDED").asInt());
        System.out.printf("  batch / individual:   %.2fx%n", batch / individual);
        System.out.printf("  submit-batch of %d items answered in %.0f ms%n", items, submitMs);
        System.out.printf("  CPU per item, individual: %s%n", individualCpu);
        System.out.printf("  CPU per item, batch:      %s%n", batchCpu);
    }

    /** What one batch run saw: how long submit-batch took to answer, and the final status. */
    private record Submitted(double submitMs, JsonNode status) {
    }

    /** Submits {@code files} as one batch and polls batch-status until it is COMPLETED. */
    private static Submitted batch(McpSyncClient client, List<String> files) throws InterruptedException {
        long begin = System.nanoTime();
        JsonNode created = ok(client, "submit-batch", Map.of("files", files, "name", "bench"));
        double submitMs = (System.nanoTime() - begin) / 1e6;
        String id = created.get("batchId").asText();
        JsonNode status;
        do {
            Thread.sleep(100);
            status = ok(client, "batch-status", Map.of("batchId", id));
        } while (!status.get("state").asText().equals("COMPLETED"));
        return new Submitted(submitMs, status);
    }

    /** {@code n} small Python files under root/set, each a little different, as root-relative paths. */
    private static List<String> files(Path root, String set, int n) throws Exception {
        Path dir = Files.createDirectories(root.resolve(set));
        List<String> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = String.format("m%05d.py", i);
            Files.writeString(dir.resolve(name), "# " + set + " " + i + "\ndef f(a):\n    if a > " + i
                    + ":\n        return a\n    return " + i + "\n");
            paths.add(set + "/" + name);
        }
        return paths;
    }

    private static McpSyncClient client(String url) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(120)).build();
        client.initialize();
        return client;
    }

    private static JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(new CallToolRequest(tool, args));
        String text = ((TextContent) result.content().get(0)).text();
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException(tool + " failed: " + text);
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
