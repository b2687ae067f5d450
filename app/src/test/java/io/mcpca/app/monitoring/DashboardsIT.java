package io.mcpca.app.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpca.app.McpcaApplication;
import io.mcpca.app.faults.CrashingAnalyzer;
import io.mcpca.app.faults.WorkerJvm;
import io.mcpca.app.monitoring.GrafanaFiles.Expression;
import io.mcpca.app.monitoring.GrafanaFiles.Kind;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dashboards are true (issue 14): Debian's prometheus on loopback runs the project's own scrape config and rules
 * (grafana/prometheus/, only addresses and intervals rewritten), scraping a real ingress and two worker processes
 * that it finds through the ingress's HTTP service discovery, while MCP clients keep a light mixed load going
 * (pings, calculate-metrics, analyze-metrics, an oversized inline argument) and one poison call crashes its
 * analyzer on every delivery until it lands in the dead-letter stream. Then every PromQL expression of every panel,
 * template variable and rule is evaluated through the HTTP API and must return data: a series with a number, not
 * only NaN; and the counters the load must have moved are above 0 ({@link #THE_LOAD_MOVES}). An alert whose
 * condition is false on a healthy system is listed in {@link #EMPTY_BY_NATURE} with its reason and a witness, the
 * part of its expression that must return data. Also: every meter a process exposes is in grafana/README.md's
 * reference, and every meter there is exposed. Took 1.9-3.1 min at load average 44-57 on 2 cores (2026-12-07),
 * most of it the three JVMs starting.
 */
class DashboardsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** A ping with this sleepMs kills the analyzer wrapper: a poison call. */
    static final int POISON_SLEEP_MS = 4343;
    /** $__rate_interval at a 1 s scrape interval: Grafana takes four scrapes at least; more is steadier here. */
    static final String RATE_INTERVAL = "10s";
    static final int MAX_INLINE_BYTES = 4096;

    /** Alert rules that are empty while nothing is wrong, each with why and the part of it that must have data. */
    record EmptyByNature(String reason, String witness) {
    }

    static final Map<String, EmptyByNature> EMPTY_BY_NATURE = Map.of(
            "McpcaBacklogGrowing", new EmptyByNature("fires only while a pool's backlog grows for 10 minutes",
                    "deriv(mcpca:pool_backlog:max[5m])"),
            "McpcaServerErrors", new EmptyByNature("fires only above 5% server errors for 5 minutes; the test has "
                    + "one dead-lettered call among many", "mcpca:ingress_server_error_ratio:rate5m"),
            "McpcaPoolWithoutWorkers", new EmptyByNature("both pools have two live workers here",
                    "mcpca:pool_workers_live:max"),
            "McpcaRedisMemoryNearMax", new EmptyByNature("the test's Redis is far below its maxmemory (1 GB)",
                    "mcpca:redis_memory_used:ratio"),
            "McpcaTargetDown", new EmptyByNature("every target answers here", "up{job=~\"mcpca-.*\"}"),
            "McpcaRedisBreakerOpen", new EmptyByNature("Redis stays up here, the breaker closed",
                    "max by (name) (resilience4j_circuitbreaker_state{state=~\"open|forced_open\"})"));

    /**
     * What the load must have moved (a panel of zeros has data too): each query must return a series. The poison
     * call crashes analyzers, is reclaimed, redelivered and dead-lettered; the oversized argument is refused for its
     * size; repeated calls hit the result cache; both workers acknowledge calls.
     */
    static final Map<String, String> THE_LOAD_MOVES = Map.of(
            "analyzer crashes", "sum(mcpca_analyzer_crashes_total) > 0",
            "reclaimed", "sum(mcpca_worker_reclaimed_total) > 0",
            "redelivered", "sum(mcpca_worker_redelivered_total) > 0",
            "dead-lettered", "sum(mcpca_worker_dead_lettered_total) > 0",
            "payload refusals", "sum(mcpca_ingress_submit_refused_total{reason=\"payload\"}) > 0",
            "result cache hits", "sum(mcpca_cache_lookups_total{outcome=\"hit\"}) > 0",
            "both workers acknowledged calls",
            "count(sum by (instance) (mcpca_worker_acknowledged_total{job=\"mcpca-workers\"}) > 0) == 2");

    @TempDir
    static Path dir;

    static final GrafanaFiles GRAFANA = new GrafanaFiles();
    static final List<WorkerJvm> workers = new ArrayList<>();
    static ConfigurableApplicationContext ingress;
    static int ingressPort;
    static PrometheusServer prometheus;
    static Path root;
    static final List<McpSyncClient> clients = new ArrayList<>();
    static final AtomicBoolean loading = new AtomicBoolean(true);
    static final AtomicInteger calls = new AtomicInteger();
    static ExecutorService load;
    static CompletableFuture<CallToolResult> poison;

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        String prefix = REDIS.newPrefix();
        root = Files.createDirectories(dir.resolve("root"));
        writeSources(root);
        if (REDIS.ownsServer()) {
            REDIS.sync().configSet("maxmemory", "1gb"); // so the memory-near-max ratio has a denominator
        }
        Path wrapper = CrashingAnalyzer.write(dir, POISON_SLEEP_MS);
        for (String name : List.of("worker-1", "worker-2")) {
            workers.add(WorkerJvm.process(dir, name, REDIS.uri(), prefix, root, "--mcpca.ingress.enabled=false",
                    "--mcpca.worker.pools=fast,heavy", "--mcpca.worker.management-port=0",
                    "--mcpca.worker.analyzer-path=" + wrapper, "--mcpca.worker.concurrency=2",
                    "--mcpca.worker.min-idle=1s", "--mcpca.worker.reclaim-period=300ms",
                    // two deliveries: the second is a redelivery (counted), the third attempt dead-letters it
                    "--mcpca.worker.max-deliveries=2", "--mcpca.worker.retry-backoff=20ms",
                    "--mcpca.worker.heartbeat-period=1s"));
        }
        ingress = McpcaApplication.start("--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false", "--mcpca.worker.enabled=false",
                "--server.port=0",
                "--mcpca.ingress.max-inline-argument-bytes=" + MAX_INLINE_BYTES);
        ingressPort = Integer.parseInt(ingress.getEnvironment().getProperty("local.server.port"));
        await("both workers in the ingress's service discovery", Duration.ofSeconds(120),
                () -> discoveredTargets() == 2);
        say("ingress up and both workers discovered after %d s", started);
        prometheus = PrometheusServer.start(testConfig(), dir);
        startLoad();
        say("prometheus ready and load started after %d s", started);
    }

    /** A phase's time on stderr (the machine may be busy: a slow phase says why the test took long). */
    private static void say(String format, long sinceNanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
        System.err.printf("DashboardsIT: " + format + "%n", seconds);
    }

    @AfterAll
    static void stop() {
        loading.set(false);
        if (load != null) {
            load.shutdownNow();
        }
        clients.forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing a client whose call was cut short
            }
        });
        if (prometheus != null) {
            prometheus.close();
        }
        if (ingress != null) {
            ingress.close();
        }
        workers.forEach(WorkerJvm::close);
    }

    @Test
    void everyPanelVariableAndRuleReturnsData() throws Exception {
        long started = System.nanoTime();
        await("Prometheus scraping the ingress and both workers", Duration.ofSeconds(60),
                () -> prometheus.vector("up{job=\"mcpca-ingress\"} == 1").size() == 1
                        && prometheus.vector("up{job=\"mcpca-workers\"} == 1").size() == 2);
        CallToolResult dead = poison.get(90, TimeUnit.SECONDS);
        assertThat(dead.isError()).as("the poison call's answer").isTrue();
        assertThat(String.valueOf(dead.meta())).contains("DEAD_LETTERED");
        await("the dead-letter alert firing (the rules loaded and evaluated)", Duration.ofSeconds(60),
                () -> !prometheus.vector("ALERTS{alertname=\"McpcaDeadLetters\", alertstate=\"firing\"}").isEmpty());

        say("targets up, dead letter alert firing after %d s", started);
        List<Expression> expressions = GRAFANA.allExpressions();
        assertThat(expressions).hasSizeGreaterThan(50);
        // rates and ratios need a few scrapes of the load, and a busy machine runs the load slowly: a bounded retry
        // instead of a fixed sleep
        Map<String, String> problems = evaluate(expressions);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!problems.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            problems = evaluate(expressions);
        }
        say("every expression evaluated after %d s", started);
        System.err.printf("DashboardsIT: %d expressions (panels, variables, rules), %d alerts checked by witness, "
                + "%d calls of the load%n", expressions.size(), EMPTY_BY_NATURE.size(), calls.get());
        assertThat(problems).as("expressions without data (of %d), after %d calls of the load", expressions.size(),
                calls.get()).isEmpty();
        assertThat(EMPTY_BY_NATURE.keySet()).as("listed as empty by nature, but no such alert")
                .allMatch(name -> expressions.stream().anyMatch(e -> e.kind() == Kind.ALERT && e.name().equals(name)));
    }

    @Test
    void everyExposedMeterIsInTheReferenceAndEveryReferencedMeterIsExposed() throws Exception {
        await("Prometheus scraping both workers", Duration.ofSeconds(60),
                () -> prometheus.vector("up{job=\"mcpca-workers\"} == 1").size() == 2);
        Set<String> exposed = new TreeSet<>();
        for (JsonNode target : prometheus.targets()) {
            exposed.addAll(meterNames(httpGet(target.path("scrapeUrl").asText())));
        }
        Set<String> reference = new TreeSet<>(GRAFANA.catalogue());
        Set<String> ownExposed = new TreeSet<>(exposed.stream().filter(n -> n.startsWith("mcpca_")).toList());
        Set<String> ownReference = new TreeSet<>(reference.stream().filter(n -> n.startsWith("mcpca_")).toList());
        assertThat(ownExposed).as("mcpca meters exposed but missing from grafana/README.md")
                .isSubsetOf(ownReference);
        assertThat(reference).as("grafana/README.md names meters no process exposes").isSubsetOf(exposed);
    }

    /** Each expression that fails, with why; and each counter the load has not moved yet. */
    private static Map<String, String> evaluate(List<Expression> expressions) {
        Map<String, String> problems = new LinkedHashMap<>();
        THE_LOAD_MOVES.forEach((what, query) -> {
            if (prometheus.vector(query).isEmpty()) {
                problems.put("the load moves " + what, "not yet: " + query);
            }
        });
        for (Expression e : expressions) {
            String query = GrafanaFiles.runnable(e, RATE_INTERVAL);
            EmptyByNature empty = e.kind() == Kind.ALERT ? EMPTY_BY_NATURE.get(e.name()) : null;
            if (empty != null) {
                if (!e.expr().contains(empty.witness())) {
                    problems.put(e.where(), "its witness is not part of it: " + empty.witness());
                    continue;
                }
                query = empty.witness();
            }
            try {
                List<JsonNode> series = prometheus.vector(query);
                if (series.isEmpty()) {
                    problems.put(e.where(), "no data: " + query);
                } else if (series.stream().allMatch(s -> s.path("value").path(1).asText().equals("NaN"))) {
                    problems.put(e.where(), "only NaN: " + query);
                } else if (e.kind() == Kind.VARIABLE) {
                    String label = GrafanaFiles.variableLabel(e);
                    if (series.stream().anyMatch(s -> s.path("metric").path(label).asText().isEmpty())) {
                        problems.put(e.where(), "a series without label " + label + ": " + series);
                    }
                }
            } catch (IllegalArgumentException bad) {
                problems.put(e.where(), "Prometheus refused it: " + bad.getMessage() + ": " + query);
            }
        }
        return problems;
    }

    /** The project's config with the test's addresses, 1 s intervals and the rule files' absolute path. */
    private static Path testConfig() throws IOException {
        String config = Files.readString(GRAFANA.prometheusConfig());
        Map<String, String> rewrites = new LinkedHashMap<>();
        rewrites.put("ingress:8080", "127.0.0.1:" + ingressPort);
        rewrites.put("scrape_interval: 15s", "scrape_interval: 1s");
        rewrites.put("evaluation_interval: 15s", "evaluation_interval: 1s");
        rewrites.put("refresh_interval: 5s", "refresh_interval: 1s");
        rewrites.put("- rules/*.yml", "- " + GRAFANA.rulesDir() + "/*.yml");
        for (Map.Entry<String, String> rewrite : rewrites.entrySet()) {
            assertThat(config).as("grafana/prometheus/prometheus.yml").contains(rewrite.getKey());
            config = config.replace(rewrite.getKey(), rewrite.getValue());
        }
        return Files.writeString(dir.resolve("prometheus.yml"), config);
    }

    /** Two callers on one MCP session (so session leases meet) and one on its own, until the test ends. */
    private static void startLoad() {
        McpSyncClient shared = client();
        McpSyncClient own = client();
        load = Executors.newFixedThreadPool(4);
        for (McpSyncClient c : List.of(shared, shared, own)) {
            load.submit(() -> {
                int i = 0;
                while (loading.get()) {
                    call(c, i++);
                }
            });
        }
        McpSyncClient poisoned = client();
        poison = CompletableFuture.supplyAsync(() -> poisoned.callTool(CallToolRequest.builder("ping")
                .arguments(Map.of("sleepMs", POISON_SLEEP_MS)).build()), load);
    }

    /** One call of the mix: most are cheap, some reach the heavy pool, one in 20 is refused for its size. */
    private static void call(McpSyncClient c, int i) {
        try {
            switch (i % 20) {
                case 0 -> c.callTool(CallToolRequest.builder("analyze-metrics").arguments(Map.of("path", ".",
                        "detail", i % 40 == 0 ? "summary" : "files")).build());
                case 1 -> c.callTool(CallToolRequest.builder("calculate-metrics").arguments(Map.of(
                        "content", "x".repeat(MAX_INLINE_BYTES + 1), "language", "python")).build());
                case 2, 3 -> c.callTool(CallToolRequest.builder("calculate-metrics").arguments(Map.of(
                        "path", "src/Main.java")).build());
                case 4, 5, 6, 7 -> c.callTool(CallToolRequest.builder("ping").arguments(Map.of("via", "worker"))
                        .build());
                default -> c.callTool(i % 2 == 0
                        ? CallToolRequest.builder("calculate-metrics").arguments(Map.of("content",
                                "def f(x):\n    return x + " + i + "\n", "language", "python")).build()
                        : CallToolRequest.builder("ping").arguments(Map.of()).build());
            }
            calls.incrementAndGet();
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loading.set(false);
        } catch (RuntimeException e) {
            // an error answer is part of the mix; a transport error ends no test (the evaluation decides)
        }
    }

    private static McpSyncClient client() {
        String url = "http://127.0.0.1:" + ingressPort;
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(90))
                .build();
        client.initialize();
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    private static void writeSources(Path root) throws IOException {
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/Main.java"), "class Main {\n  int f(int x) {\n"
                + "    if (x > 0) { return 1; }\n    return 0;\n  }\n}\n");
        Files.writeString(root.resolve("src/util.py"), "def g(a):\n    for i in range(a):\n        if i:\n"
                + "            return i\n    return 0\n");
        Files.writeString(root.resolve("src/app.js"), "function h(a) { return a ? 1 : 2; }\n");
    }

    private static int discoveredTargets() {
        try {
            JsonNode groups = GrafanaFiles.JSON.readTree(httpGet("http://127.0.0.1:" + ingressPort
                    + "/discovery/prometheus"));
            int count = 0;
            for (JsonNode group : groups) {
                count += group.path("targets").size();
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    /** Metric names of a Prometheus text exposition, a timer's _bucket/_count/_sum/_max as one name. */
    static Set<String> meterNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.add(m.group(1).replaceAll("_(bucket|count|sum|max|created)$", ""));
            }
        }
        return names;
    }

    private static String httpGet(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            boolean met;
            try {
                met = condition.getAsBoolean();
            } catch (RuntimeException e) {
                met = false;
            }
            if (met) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                workers.forEach(w -> logs.append(tail(w.log())));
                if (prometheus != null) {
                    logs.append(tail(prometheus.log()));
                }
                throw new AssertionError("not reached in " + atMost.toSeconds() + " s: " + what + "\n" + logs);
            }
            Thread.sleep(250);
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 3000)) + "\n----\n";
    }
}
