package io.mcpca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.app.McpcaApplication;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.PoolBacklog;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisServerProcess;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * bench/scale: one mixed workload ({@code analyze-metrics} of real trees, one call per tree, and {@code ping}s
 * between them) through one ingress with 1, 2, 4 ... worker processes. Per worker count it prints throughput, each
 * worker's share of the calls (counted from the worker's own JSON log: one {@code io.mcpca.calls} "call started"
 * line per call, with the call's tool) and the backlog curve an autoscaler reads (per pool, the consumer group's lag
 * + pending over its partitions, {@code XINFO GROUPS}, what KEDA's redis-streams scaler and the ingress's
 * backpressure read), sampled every 500 ms.
 *
 * <p>Arguments: {@code [trees=60] [pingsPerTree=10] [inFlight=16] [workerCounts=1,2,4] [concurrency=2]}. Trees: the
 * subdirectories of {@code BENCH_SCALE_CORPUS}, else of the pinned corpus (bench/corpus/.cache/src), else of
 * Debian's crate sources (/usr/share/cargo/registry), first {@code trees} by name. Every run starts fresh: a new key
 * prefix, result caches off, each worker's analyzer cache in a new directory, so every tree is measured, never
 * looked up. Uses REDIS_URL if set, else a private redis-server.
 */
public final class Scale {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    private static final String[] POOLS = {"fast", "heavy"};
    /** Points of a printed backlog curve. */
    private static final int MAX_POINTS = 40;

    record Call(String tool, Map<String, Object> arguments) {
    }

    record Run(int workers, double seconds, int calls, int analyses, List<Map<String, Integer>> shares,
               List<long[]> backlog) {
    }

    public static void main(String[] args) throws Exception {
        // the SDK client logs every initialize at INFO on stdout, where the numbers go
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int trees = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int pingsPerTree = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        List<Integer> workerCounts = Stream.of((args.length > 3 ? args[3] : "1,2,4").split(","))
                .map(Integer::parseInt).toList();
        int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path corpus = corpus();
        List<Path> dirs = trees(corpus, trees);
        List<Call> workload = workload(dirs, pingsPerTree);
        readAll(dirs); // into the page cache, so the first run does not pay for the disk alone
        String env = System.getenv("REDIS_URL");
        RedisServerProcess own = env == null || env.isBlank() ? RedisServerProcess.start() : null;
        String uri = own != null ? own.uri() : env;
        System.out.printf("bench/scale: %d analyze-metrics (one per tree of %s) + %d pings, %d in flight, worker "
                        + "concurrency %d per pool, %d cores, load %s%n", dirs.size(), corpus,
                workload.size() - dirs.size(), inFlight, concurrency, Runtime.getRuntime().availableProcessors(),
                loadAverage());
        List<Run> runs = new ArrayList<>();
        try {
            for (int workers : workerCounts) {
                Run run = run(uri, corpus, workload, workers, concurrency, inFlight);
                runs.add(run);
                print(run, runs.get(0));
            }
            System.out.println();
            System.out.printf("%-8s %9s %9s %11s %9s %12s%n", "workers", "seconds", "calls/s", "analyses/s",
                    "speedup", "peak heavy");
            for (Run r : runs) {
                System.out.printf("%-8d %9.1f %9.1f %11.2f %8.2fx %12d%n", r.workers(), r.seconds(),
                        r.calls() / r.seconds(), r.analyses() / r.seconds(), runs.get(0).seconds() / r.seconds(),
                        r.backlog().stream().mapToLong(s -> s[2]).max().orElse(0));
            }
            System.out.println("load average at the end: " + loadAverage());
        } finally {
            if (own != null) {
                own.close();
            }
        }
        System.exit(0);
    }

    private static Run run(String uri, Path corpus, List<Call> workload, int workers, int concurrency, int inFlight)
            throws Exception {
        String prefix = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("bench-scale-");
        ConfigurableApplicationContext ingress = McpcaApplication.start("--server.port=0", "--mcpca.redis-url=" + uri,
                "--mcpca.prefix=" + prefix, "--mcpca.worker.enabled=false", "--mcpca.roots[0]=" + corpus,
                "--logging.level.root=WARN", "--mcpca.ingress.rate-limit-per-second=0", "--spring.jmx.enabled=false");
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (RedisConnections redis = new RedisConnections(uri)) {
            for (int n = 0; n < workers; n++) {
                Path log = dir.resolve("worker-" + n + ".log");
                logs.add(log);
                processes.add(WorkerProcesses.startWorker(uri, prefix, n, log, List.of(
                        "--mcpca.worker.pools=fast,heavy", "--mcpca.worker.concurrency=" + concurrency,
                        "--mcpca.roots[0]=" + corpus, "--mcpca.cache.enabled=false",
                        "--mcpca.cache.shared-files=false",
                        "--mcpca.worker.analyzer-cache-dir=" + dir.resolve("analyzer-cache-" + n),
                        // the product's logging (the bench classpath may hold another logback file): JSON lines,
                        // one per call at its start, counted below for each worker's share
                        "--logging.config=classpath:logback-spring.xml", "--mcpca.log-format=json",
                        "--logging.level.root=WARN", "--logging.level.io.mcpca.calls=debug")));
            }
            Keys keys = new Keys(prefix);
            // four service JVMs starting at once on two busy cores took over 120 s (2026-12-07, load average 33)
            WorkerProcesses.awaitConsumers(uri, keys, workers, Duration.ofMinutes(6));
            String url = "http://127.0.0.1:" + ingress.getEnvironment().getProperty("local.server.port");
            PoolBacklog backlog = new PoolBacklog(redis.bytes().sync(), keys,
                    Integer.parseInt(ingress.getEnvironment().getProperty("mcpca.partitions", "4")), System::nanoTime);
            List<long[]> curve = Collections.synchronizedList(new ArrayList<>());
            double seconds = drive(url, workload, inFlight, () -> {
                long start = System.nanoTime();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        curve.add(new long[] {(System.nanoTime() - start) / 1_000_000, backlog.of(POOLS[0]),
                                backlog.of(POOLS[1])});
                    } catch (RuntimeException e) {
                        // a sample lost; the next one comes
                    }
                }, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            });
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            int analyses = (int) workload.stream().filter(c -> c.tool().equals("analyze-metrics")).count();
            return new Run(workers, seconds, workload.size(), analyses, shares(logs), List.copyOf(curve));
        } finally {
            sampler.shutdownNow();
            processes.forEach(Process::destroy);
            for (Process p : processes) {
                p.waitFor(30, TimeUnit.SECONDS);
            }
            ingress.close();
        }
    }

    /**
     * Runs the workload with {@code inFlight} clients (one MCP session each), {@code onStart} once their sessions are
     * open and the first call is about to go; returns the seconds from there to the last answer.
     */
    private static double drive(String url, List<Call> workload, int inFlight, Runnable onStart) throws Exception {
        List<McpSyncClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < inFlight; i++) {
                McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp")
                        .build()).requestTimeout(Duration.ofMinutes(10)).build();
                client.initialize();
                clients.add(client);
            }
            ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>(workload);
            onStart.run();
            long start = System.nanoTime();
            ConcurrentLoops.run(inFlight, workload.size(), (id, nextCall) -> {
                Call call;
                while (nextCall.getAsBoolean() && (call = queue.poll()) != null) {
                    CallToolResult result = clients.get(id).callTool(new CallToolRequest(call.tool(),
                            call.arguments()));
                    if (Boolean.TRUE.equals(result.isError())) {
                        throw new IllegalStateException(call + " failed: " + result.content());
                    }
                }
            });
            return (System.nanoTime() - start) / 1e9;
        } finally {
            clients.forEach(McpSyncClient::closeGracefully);
        }
    }

    /** Per worker, how many calls of each tool it started, from its JSON log's {@code io.mcpca.calls} lines. */
    private static List<Map<String, Integer>> shares(List<Path> logs) throws IOException {
        List<Map<String, Integer>> shares = new ArrayList<>();
        for (Path log : logs) {
            Map<String, Integer> byTool = new TreeMap<>();
            for (String line : Files.readAllLines(log)) {
                if (!line.startsWith("{") || !line.contains("call started")) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (node.path("message").asText().startsWith("call started")) {
                    byTool.merge(node.path("tool").asText(), 1, Integer::sum);
                }
            }
            shares.add(byTool);
        }
        return shares;
    }

    private static void print(Run run, Run first) {
        System.out.printf("%n%d worker(s): %d calls in %.1f s = %.1f calls/s (%.2f analyses/s), %.2fx the 1-worker "
                        + "time%n", run.workers(), run.calls(), run.seconds(), run.calls() / run.seconds(),
                run.analyses() / run.seconds(), first.seconds() / run.seconds());
        for (int n = 0; n < run.shares().size(); n++) {
            Map<String, Integer> share = run.shares().get(n);
            int total = share.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("  worker %d: %5.1f%% of calls %s%n", n, 100.0 * total / run.calls(), share);
        }
        // at most MAX_POINTS points: each the largest backlog of its stretch of samples
        int every = Math.max(1, (run.backlog().size() + MAX_POINTS - 1) / MAX_POINTS);
        StringBuilder curve = new StringBuilder(String.format("  backlog (lag + pending, max per %.1f s) fast/heavy:",
                every * SAMPLE_EVERY.toMillis() / 1000.0));
        for (int i = 0; i < run.backlog().size(); i += every) {
            long fast = 0;
            long heavy = 0;
            for (long[] sample : run.backlog().subList(i, Math.min(run.backlog().size(), i + every))) {
                fast = Math.max(fast, sample[1]);
                heavy = Math.max(heavy, sample[2]);
            }
            curve.append(' ').append(fast).append('/').append(heavy);
        }
        System.out.println(curve);
    }

    private static Path corpus() {
        String configured = System.getenv("BENCH_SCALE_CORPUS");
        for (String candidate : new String[] {configured, "bench/corpus/.cache/src", "/usr/share/cargo/registry"}) {
            if (candidate != null && !candidate.isBlank() && Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate).toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no corpus: set BENCH_SCALE_CORPUS to a directory of source trees, or run "
                + "bench/compare-reference --fetch-only");
    }

    private static List<Path> trees(Path corpus, int count) throws IOException {
        try (Stream<Path> children = Files.list(corpus)) {
            List<Path> dirs = children.filter(Files::isDirectory).sorted().limit(count).toList();
            if (dirs.isEmpty()) {
                throw new IllegalStateException("no subdirectories in " + corpus);
            }
            return dirs;
        }
    }

    /** One analyze-metrics per tree (summary: the answer stays small) and pings between, in a fixed shuffle. */
    private static List<Call> workload(List<Path> trees, int pingsPerTree) {
        List<Call> calls = new ArrayList<>();
        for (Path tree : trees) {
            calls.add(new Call("analyze-metrics", Map.of("path", tree.toString(), "detail", "summary")));
            for (int i = 0; i < pingsPerTree; i++) {
                calls.add(new Call("ping", Map.of()));
            }
        }
        Collections.shuffle(calls, new Random(14));
        return calls;
    }

    private static void readAll(List<Path> trees) throws IOException {
        for (Path tree : trees) {
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.readAllBytes(file);
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
