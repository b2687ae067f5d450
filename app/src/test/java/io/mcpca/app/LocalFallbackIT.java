package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.app.local.PrivateWorkerCalls;
import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpca.fallback=local}: with Redis stopped the ingress answers calls in its own process; when
 * Redis is back (restarted empty) calls flow through Redis and the worker again. In-process calls run the
 * worker's own code on the ingress's private redis-server: calls of one session run one at a time under its
 * lease and each raises the session's version by one there (finishCall's write, fence and release). The
 * ingress's ping takes the session path (fast path off) and its local pool has four analyzers, so only the
 * lease can keep calls apart.
 */
class LocalFallbackIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static Keys keys;

    @BeforeAll
    static void start() throws IOException {
        String prefix = REDIS.newPrefix();
        keys = new Keys(prefix);
        harness = PipelineHarness.fastPoolOnly(REDIS.uri(), prefix, Files.createDirectories(tmp.resolve("root")),
                List.of("--mcpca.worker.concurrency=1"),
                List.of("--mcpca.fallback=local", "--mcpca.fallback-concurrency=4",
                        "--mcpca.worker.sessionless-fast-path=false", "--mcpca.ingress.redis-retry-after=1s"), true);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void callsAreAnsweredInProcessWhileRedisIsDownAndGoThroughRedisWhenItIsBack() {
        McpSyncClient client = harness.client();
        Set<Long> workerPids = workerPids();
        long viaRedis = pidOfPing(client);
        assertThat(workerPids).contains(viaRedis);
        assertThat(requestEntries()).isPositive();

        REDIS.kill();
        for (int i = 0; i < 5; i++) {
            long pid = pidOfPing(client);
            assertThat(localPids()).as("answered by the ingress's own analyzer").contains(pid);
        }

        restartRedisAndAwaitTheWorker(client);
        assertThat(requestEntries()).as("the restarted (empty) Redis carries the calls again").isPositive();
        for (int i = 0; i < 3; i++) {
            assertThat(workerPids).contains(pidOfPing(client));
        }
    }

    @Test
    void callsOfOneSessionRunOneAtATimeOnThePrivateRedisAndRaiseItsVersionByOneEach() throws Exception {
        McpSyncClient session = harness.client();
        List<McpSyncClient> others = List.of(harness.client(), harness.client(), harness.client(), harness.client());
        Set<Long> workerPids = workerPids();
        RedisClient privateClient = RedisClient.create(local().worker().uri());
        StatefulRedisConnection<String, String> privateRedis = privateClient.connect();
        SessionStore store = new SessionStore(privateRedis.sync(), keys);
        Set<String> known = Set.copyOf(store.getSessions());
        try {

        REDIS.kill();
        List<Map<String, Object>> runs = PipelineIT.concurrently(8, i -> session, 100);
        assertThat(runs).extracting(r -> ((Number) r.get("pid")).longValue()).as("answered in-process")
                .allMatch(localPids()::contains);
        runs.sort(Comparator.comparingLong(r -> micros(r, "startedAtMicros")));
        for (int i = 1; i < runs.size(); i++) {
            assertThat(micros(runs.get(i), "startedAtMicros")).as("call %d started before call %d ended", i, i - 1)
                    .isGreaterThanOrEqualTo(micros(runs.get(i - 1), "endedAtMicros"));
        }
        List<String> written = store.getSessions().stream().filter(id -> !known.contains(id)).toList();
        assertThat(written).as("the one session the calls ran on").hasSize(1);
        Session local = store.getSession(written.get(0)).orElseThrow();
        assertThat(local.version()).as("one finishCall write per call").isEqualTo(8);
        assertThat(local.fence()).as("written under a lease's fence").isPositive();
        assertThat(privateRedis.sync().exists(keys.lock(written.get(0)))).as("the lease was released").isZero();
        assertThat(privateRedis.sync().keys(keys.execution(written.get(0), "*")))
                .as("the worker's execution records").hasSizeGreaterThanOrEqualTo(8);

        // calls of different sessions do run at once on the same pool: the lease kept the calls above apart
        List<Map<String, Object>> parallel = PipelineIT.concurrently(others.size(), others::get, 500);
        long latestStart = parallel.stream().mapToLong(r -> micros(r, "startedAtMicros")).max().orElseThrow();
        long earliestEnd = parallel.stream().mapToLong(r -> micros(r, "endedAtMicros")).min().orElseThrow();
        assertThat(latestStart).as("all four 500 ms calls were running at one moment").isLessThan(earliestEnd);

        // calls that ran locally while the breaker still held count too; the first through Redis does not
        restartRedisAndAwaitTheWorker(session);
        long localVersion = store.getSession(written.get(0)).orElseThrow().version();
        assertThat(workerPids).contains(pidOfPing(session));
        assertThat(store.getSession(written.get(0)).orElseThrow().version())
                .as("a call through Redis leaves the private Redis alone").isEqualTo(localVersion);
        } finally {
            privateRedis.close();
            privateClient.shutdown();
        }
    }

    /**
     * Redis restarted empty: the breaker lets trial calls through after 1 s; Lettuce reconnects; the worker
     * recreates its groups. A call caught in the switch may end with a retryable error (its reply stream was
     * lost with the data); the next one is tried.
     */
    private static void restartRedisAndAwaitTheWorker(McpSyncClient client) {
        Set<Long> workerPids = workerPids();
        REDIS.restart();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> pidOfPingOrRetryableError(client).filter(workerPids::contains).isPresent());
    }

    private static Optional<Long> pidOfPingOrRetryableError(McpSyncClient client) {
        CallToolResult result = client.callTool(new CallToolRequest("ping", Map.of()));
        if (Boolean.TRUE.equals(result.isError())) {
            assertThat(PipelineIT.text(result)).contains("(retryable)");
            return Optional.empty();
        }
        return Optional.of(((Number) PipelineIT.structured(result).get("pid")).longValue());
    }

    private static long micros(Map<String, Object> run, String field) {
        return ((Number) run.get(field)).longValue();
    }

    private static long pidOfPing(McpSyncClient client) {
        CallToolResult result = client.callTool(new CallToolRequest("ping", Map.of()));
        return ((Number) PipelineIT.structured(result).get("pid")).longValue();
    }

    private static Set<Long> workerPids() {
        return harness.worker().getBean(WorkerRuntime.class).analyzerPools().stream()
                .flatMap(pool -> pool.pids().stream()).collect(Collectors.toSet());
    }

    private static Set<Long> localPids() {
        return local().worker().runtime().analyzerPools().stream()
                .flatMap(pool -> pool.pids().stream()).collect(Collectors.toSet());
    }

    private static PrivateWorkerCalls local() {
        return (PrivateWorkerCalls) harness.ingress().getBean(LocalCalls.class);
    }

    /** Entries in the fast pool's request streams. */
    private static long requestEntries() {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return IntStream.range(0, 4).mapToLong(n -> c.sync().xlen(keys.requestStream("fast", n))).sum();
        } finally {
            client.shutdown();
        }
    }
}
