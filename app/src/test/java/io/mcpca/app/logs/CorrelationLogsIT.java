package io.mcpca.app.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.app.faults.WorkerJvm;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One call's correlation id in the JSON logs of both processes it touches: an ingress-only JVM and a worker-only
 * JVM on one redis-server, both logging JSON (ECS, {@code --mcpca.log-format=json}) with the per-call lines on
 * ({@code io.mcpca.calls} at DEBUG). A call with the client's {@code _meta.correlationId}, one without, one with an
 * unusable id and one refused at the ingress: each answer's {@code _meta} carries the id, and the lines of both JVMs
 * (told apart by their ECS {@code process.pid}) carry it with the call's request id, session id and tool.
 */
class CorrelationLogsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    Path dir;

    @Test
    void aCallsCorrelationIdIsInTheJsonLogsOfTheIngressAndTheWorkerThatRanIt() throws Exception {
        String prefix = REDIS.newPrefix();
        int port = RedisServerProcess.freePort();
        // the product's logging configuration, not the test classpath's logback-test.xml, which Logback prefers
        String[] logs = {"--logging.config=classpath:logback-spring.xml", "--mcpca.log-format=json",
                "--logging.level.io.mcpca.calls=debug"};
        try (WorkerJvm ingress = WorkerJvm.serve(dir, "ingress", REDIS.uri(), prefix, dir, port,
                    with(logs, "--mcpca.worker.enabled=false"));
             WorkerJvm worker = WorkerJvm.start(dir, "worker", REDIS.uri(), prefix, dir, logs)) {
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                    .endpoint("/mcp").build()).requestTimeout(Duration.ofMinutes(2)).build();
            await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().until(() -> client.initialize() != null);
            try {
                // the client's id: kept, answered, logged by both
                CallToolResult given = client.callTool(CallToolRequest.builder().name("calculate-metrics")
                        .arguments(Map.of("content", "class A { int f(int x) { return x > 0 ? 1 : 2; } }",
                                "language", "java"))
                        .meta(Map.of("correlationId", "ticket-4711.a:b_c")).build());
                assertThat(given.isError()).as(given.toString()).isFalse();
                assertThat(given.meta()).containsEntry("correlationId", "ticket-4711.a:b_c");
                assertLoggedByBoth(ingress, worker, "ticket-4711.a:b_c", "calculate-metrics");

                // none given: the ingress makes one, answers with it, and both log it
                CallToolResult made = client.callTool(new CallToolRequest("ping", Map.of()));
                assertThat(made.isError()).as(made.toString()).isFalse();
                String madeId = String.valueOf(made.meta().get("correlationId"));
                assertThat(madeId).matches(UUID_SHAPE);
                assertLoggedByBoth(ingress, worker, madeId, "ping");

                // an unusable id (a space, a '!') is replaced, not echoed into the logs
                CallToolResult replaced = client.callTool(CallToolRequest.builder().name("ping").arguments(Map.of())
                        .meta(Map.of("correlationId", "bad id!")).build());
                assertThat(String.valueOf(replaced.meta().get("correlationId"))).matches(UUID_SHAPE);
                assertThat(ingress.log()).doesNotContain("bad id!");

                // an error answered by the ingress carries it too
                CallToolResult refused = client.callTool(CallToolRequest.builder().name("calculate-metrics")
                        .arguments(Map.of("path", "/etc/passwd")).meta(Map.of("correlationId", "refused-1")).build());
                assertThat(refused.isError()).isTrue();
                assertThat(refused.meta()).containsEntry("correlationId", "refused-1")
                        .containsEntry("errorCode", "PATH_OUTSIDE_ROOTS");
            } finally {
                client.closeGracefully();
            }
        }
    }

    /**
     * Both JVMs logged JSON lines with the id; the ingress's lines name the call's request id, session id and tool,
     * and the worker logged the same request id and tool with it.
     */
    private static void assertLoggedByBoth(WorkerJvm ingress, WorkerJvm worker, String correlationId, String tool) {
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            List<JsonNode> atIngress = linesWith(ingress, correlationId);
            List<JsonNode> atWorker = linesWith(worker, correlationId);
            assertThat(atIngress).as("ingress lines of " + correlationId + "\n" + tail(ingress)).isNotEmpty();
            assertThat(atWorker).as("worker lines of " + correlationId + "\n" + tail(worker)).isNotEmpty();
            String requestId = atIngress.get(0).path("requestId").asText();
            assertThat(requestId).matches(UUID_SHAPE);
            assertThat(atIngress).allSatisfy(line -> {
                assertThat(line.path("requestId").asText()).isEqualTo(requestId);
                assertThat(line.path("tool").asText()).isEqualTo(tool);
                assertThat(line.path("sessionId").asText()).isNotEmpty();
                assertThat(line.path("process").path("pid").asLong()).isEqualTo(ingress.pid());
            });
            assertThat(atWorker).allSatisfy(line -> {
                assertThat(line.path("requestId").asText()).isEqualTo(requestId);
                assertThat(line.path("tool").asText()).isEqualTo(tool);
                assertThat(line.path("sessionId").asText())
                        .isEqualTo(atIngress.get(0).path("sessionId").asText());
                assertThat(line.path("process").path("pid").asLong()).isEqualTo(worker.pid());
            });
            assertThat(atWorker).extracting(line -> line.path("message").asText())
                    .anySatisfy(message -> assertThat(message).startsWith("call started"));
        });
    }

    /** The JSON lines of a JVM's log whose {@code correlationId} field is {@code id}. */
    private static List<JsonNode> linesWith(WorkerJvm jvm, String id) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : jvm.log().split("\n")) {
            if (line.startsWith("{") && line.contains(id)) {
                JsonNode node = JSON.readTree(line);
                if (id.equals(node.path("correlationId").asText())) {
                    lines.add(node);
                }
            }
        }
        return lines;
    }

    private static String tail(WorkerJvm jvm) {
        String log = jvm.log();
        return log.substring(Math.max(0, log.length() - 4000));
    }

    private static String[] with(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
