package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.app.faults.WorkerJvm;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's meters, health and discovery, on real processes: an ingress (in this JVM) and a worker-only JVM on
 * a private redis-server, both with a bearer token. After calls through the ingress, each meter of the catalogue
 * ({@code grafana/README.md}) is on the ingress's and on the worker's {@code /actuator/prometheus}
 * with the values the calls imply; the ingress's service discovery names the worker's real actuator address; the
 * actuator's token rule holds on the worker; health goes DOWN when redis-server is killed and UP when it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;
    @TempDir
    static Path logs;

    static final String TOKEN = "ops-secret";
    static final Optional<String> AUTH = Optional.of(TOKEN);
    static final int PINGS = 5;
    static final ObjectMapper JSON = new ObjectMapper();
    /** A JVM starts in ~60 s on this 2-core machine while other builds run; a healthy one in ~5 s. */
    static final Duration START = Duration.ofSeconds(240);

    static PipelineHarness ingress;
    static WorkerJvm worker;
    static List<String> files;
    static String workerUrl;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.copyTo(root);
        files = Fixtures.withExpectations(root).subList(0, 2);
        String prefix = REDIS.newPrefix();
        worker = WorkerJvm.start(logs, "worker", REDIS.uri(), prefix, root, "--mcpca.ingress.tokens.ops=" + TOKEN);
        ingress = new PipelineHarness(REDIS.uri(), prefix, root, List.of(),
                List.of("--mcpca.ingress.tokens.ops=" + TOKEN, "--mcpca.ingress.max-inline-argument-bytes=64"), false);
        await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> targets().size() == 1);
        workerUrl = "http://" + targets().get(0).get("targets").get(0).asText();
        McpSyncClient client = ingress.client(AUTH);
        for (int i = 0; i < PINGS; i++) {
            assertThat(client.callTool(new CallToolRequest("ping", Map.of())).isError()).isFalse();
        }
        for (String file : files) {
            CallToolResult measured = client.callTool(new CallToolRequest("calculate-metrics", Map.of("path", file)));
            assertThat(measured.isError()).as("calculate-metrics %s: %s", file, measured.content()).isFalse();
        }
        // refused at the ingress (inline content over 64 bytes): never queued, counted as a payload refusal
        CallToolResult refused = client.callTool(new CallToolRequest("calculate-metrics",
                Map.of("content", "x = 1\n".repeat(20), "language", "python")));
        assertThat(refused.isError()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (ingress != null) {
            ingress.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    static List<JsonNode> targets() throws Exception {
        HttpResponse<String> answer = PrometheusScrape.get(ingress.url() + "/discovery/prometheus", AUTH);
        assertThat(answer.statusCode()).isEqualTo(200);
        return List.copyOf(JSON.readValue(answer.body(), List.class).stream().map(JSON::valueToTree)
                .map(JsonNode.class::cast).toList());
    }

    @Test
    @Order(1)
    void discoveryNamesTheWorkersOwnActuatorAddress() throws Exception {
        JsonNode target = targets().get(0);
        String address = target.get("targets").get(0).asText();
        assertThat(address).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:0");
        assertThat(worker.log()).contains("worker actuator at http://" + address + "/actuator");
        assertThat(target.get("labels").get("pools").asText()).isEqualTo("fast");
        assertThat(target.get("labels").get("worker_id").asText()).startsWith(worker.pid() + "-");
        // the same token rule as the actuator
        assertThat(PrometheusScrape.get(ingress.url() + "/discovery/prometheus", Optional.empty()).statusCode())
                .isEqualTo(401);
    }

    @Test
    @Order(2)
    void theWorkersActuatorFollowsTheIngresssTokenRule() throws Exception {
        assertThat(PrometheusScrape.get(workerUrl + "/actuator/prometheus", Optional.empty()).statusCode())
                .isEqualTo(401);
        assertThat(PrometheusScrape.get(workerUrl + "/actuator/prometheus", Optional.of("wrong")).statusCode())
                .isEqualTo(401);
        assertThat(PrometheusScrape.get(workerUrl + "/actuator/health", Optional.empty()).statusCode()).isEqualTo(200);
        // the worker's web server is the actuator's alone
        assertThat(PrometheusScrape.get(workerUrl + "/mcp", AUTH).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void theIngressExportsItsMetersWithTheValuesOfTheCalls() throws Exception {
        PrometheusScrape scrape = PrometheusScrape.of(ingress.url() + "/actuator/prometheus", AUTH);
        assertThat(scrape.value("mcpca_ingress_calls_total", "tool", "ping", "outcome", "ok", "code", "NONE",
                "role", "ingress")).hasValue(PINGS);
        assertThat(scrape.value("mcpca_ingress_calls_total", "tool", "calculate-metrics", "outcome", "ok"))
                .hasValue(files.size());
        assertThat(scrape.value("mcpca_ingress_calls_total", "tool", "calculate-metrics", "outcome", "error",
                "code", "BAD_ARGUMENTS")).hasValue(1);
        assertThat(scrape.value("mcpca_ingress_call_seconds_count", "tool", "ping")).hasValue(PINGS);
        assertThat(scrape.all("mcpca_ingress_call_seconds_bucket", "tool", "ping")).hasSizeGreaterThan(10);
        assertThat(scrape.value("mcpca_ingress_call_seconds_bucket", "tool", "ping", "le", "+Inf")).hasValue(PINGS);
        assertThat(scrape.value("mcpca_ingress_calls_in_flight")).hasValue(0);
        assertThat(scrape.value("mcpca_ingress_submit_refused_total", "reason", "payload")).hasValue(1);
        for (String reason : List.of("backpressure", "rate_limit", "breaker")) {
            assertThat(scrape.value("mcpca_ingress_submit_refused_total", "reason", reason)).hasValue(0);
        }
        // one reply per queued call
        assertThat(scrape.value("mcpca_ingress_reply_lag_seconds_count")).hasValue(PINGS + files.size());
        assertThat(scrape.value("mcpca_ingress_sessions_open").orElseThrow()).isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("resilience4j_circuitbreaker_state", "name", "redis-submit", "state", "closed"))
                .hasValue(1);
        assertThat(scrape.value("resilience4j_ratelimiter_available_permissions", "name", "ops")).isPresent();
        assertRedisMeters(scrape, "ingress");
    }

    @Test
    @Order(4)
    void theWorkerExportsItsMetersWithTheValuesOfTheCalls() throws Exception {
        int queued = PINGS + files.size();
        // acknowledgements leave after the replies: wait for them
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                PrometheusScrape.of(workerUrl + "/actuator/prometheus", AUTH)
                        .value("mcpca_worker_acknowledged_total", "pool", "fast")).hasValue(queued));
        PrometheusScrape scrape = PrometheusScrape.of(workerUrl + "/actuator/prometheus", AUTH);
        assertThat(scrape.value("mcpca_worker_consumed_total", "pool", "fast", "role", "worker")).hasValue(queued);
        assertThat(scrape.value("mcpca_worker_backlog", "pool", "fast", "kind", "lag")).hasValue(0);
        assertThat(scrape.value("mcpca_worker_backlog", "pool", "fast", "kind", "pending")).hasValue(0);
        for (String counter : List.of("mcpca_worker_reclaimed_total", "mcpca_worker_redelivered_total",
                "mcpca_worker_dead_lettered_total", "mcpca_worker_lock_contention_total",
                "mcpca_analyzer_restarts_total", "mcpca_analyzer_crashes_total")) {
            assertThat(scrape.value(counter, "pool", "fast")).as(counter).hasValue(0);
        }
        // calculate-metrics takes the session lease; ping (sessionless) does not
        assertThat(scrape.value("mcpca_worker_lock_wait_seconds_count", "pool", "fast")).hasValue(files.size());
        assertThat(scrape.value("mcpca_analyzer_processes", "pool", "fast")).hasValue(2);
        assertThat(scrape.value("mcpca_analyzer_busy", "pool", "fast")).hasValue(0);
        assertThat(scrape.value("mcpca_analyzer_run_seconds_count", "pool", "fast", "tool", "ping")).hasValue(PINGS);
        assertThat(scrape.value("mcpca_analyzer_run_seconds_count", "pool", "fast", "tool", "calculate-metrics"))
                .hasValue(files.size());
        assertThat(scrape.value("mcpca_analyzer_run_seconds_bucket", "tool", "ping", "le", "+Inf")).hasValue(PINGS);
        assertThat(scrape.value("mcpca_cache_lookups_total", "level", "l1", "outcome", "miss"))
                .hasValue(files.size());
        assertThat(scrape.has("mcpca_cache_files_total")).isTrue();
        assertRedisMeters(scrape, "worker");
        assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
        assertThat(scrape.has("process_cpu_usage")).isTrue();
    }

    /** The Redis exporter, Lettuce's latencies and the live-worker gauge, which every process exports. */
    private static void assertRedisMeters(PrometheusScrape scrape, String role) {
        assertThat(scrape.value("mcpca_redis_memory_used_bytes", "role", role).orElseThrow()).isGreaterThan(0);
        assertThat(scrape.value("mcpca_redis_memory_max_bytes")).hasValue(0);
        assertThat(scrape.value("mcpca_redis_clients_connected").orElseThrow()).isGreaterThanOrEqualTo(2);
        assertThat(scrape.value("mcpca_redis_ops_per_second").orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(scrape.value("mcpca_redis_evicted_keys_total")).hasValue(0);
        assertThat(scrape.value("mcpca_redis_master")).hasValue(1);
        assertThat(scrape.value("mcpca_redis_stream_length", "kind", "request", "pool", "fast"))
                .hasValue(PINGS + files.size());
        assertThat(scrape.value("mcpca_redis_stream_length", "kind", "dlq", "pool", "fast")).hasValue(0);
        assertThat(scrape.value("mcpca_redis_stream_length", "kind", "request", "pool", "heavy")).hasValue(0);
        assertThat(scrape.value("mcpca_workers_live", "pool", "fast")).hasValue(1);
        assertThat(scrape.value("mcpca_workers_live", "pool", "heavy")).hasValue(0);
        assertThat(scrape.all("lettuce_command_completion_seconds_count", "command", "XADD")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).containsEntry("local", "local:any"));
        assertThat(scrape.has("lettuce_command_firstresponse_seconds_count")).isTrue();
    }

    @Test
    @Order(5)
    void healthGoesDownWhenRedisIsKilledAndUpWhenItIsBack() throws Exception {
        String ingressHealth = ingress.url() + "/actuator/health";
        String workerHealth = workerUrl + "/actuator/health";
        for (String url : List.of(ingressHealth, workerHealth, ingressHealth + "/readiness")) {
            assertThat(status(url)).as(url).isEqualTo(200);
        }
        REDIS.kill();
        for (String url : List.of(ingressHealth, workerHealth, ingressHealth + "/readiness",
                workerHealth + "/readiness")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(url)).as(url).isEqualTo(503));
        }
        // liveness does not depend on Redis: an orchestrator must not restart a process for Redis's outage
        assertThat(status(workerHealth + "/liveness")).isEqualTo(200);
        REDIS.restart();
        for (String url : List.of(ingressHealth, workerHealth, ingressHealth + "/readiness",
                workerHealth + "/readiness")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(url)).as(url).isEqualTo(200));
        }
    }

    private static int status(String url) throws Exception {
        return PrometheusScrape.get(url, Optional.empty()).statusCode();
    }
}
