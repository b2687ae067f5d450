package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.mcpca.workers.run.AnalyzerPool;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancel mid-run: an MCP client sends {@code notifications/cancelled} for a running 10 s ping; the
 * worker's analyzer process running it is killed, the HTTP call ends at once, and the worker answers
 * the next call. The client side is plain HTTP (the SDK client has no way to send a cancel), speaking
 * the Streamable HTTP transport as any client does.
 */
class CancellationIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        harness = PipelineHarness.fastPoolOnly(REDIS.uri(), REDIS.newPrefix(), Files.createDirectories(tmp.resolve("root")),
                List.of("--mcpca.worker.concurrency=1"), List.of(), true);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aCancelledCallKillsItsAnalyzerProcessAndTheWorkerGoesOn() throws Exception {
        HttpResponse<String> init = post(null, Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize",
                "params", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                        "clientInfo", Map.of("name", "cancel-test", "version", "1"))));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(session, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> post(session,
                Map.of("jsonrpc", "2.0", "id", 7, "method", "tools/call",
                        "params", Map.of("name", "ping", "arguments", Map.of("sleepMs", 10_000)))));

        AnalyzerPool pool = harness.worker().getBean(WorkerRuntime.class).analyzerPools().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> !pool.runningCalls().isEmpty());
        String requestId = pool.runningCalls().iterator().next();
        long pid = pool.pidOf(requestId).orElseThrow();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        HttpResponse<String> cancelled = post(session, Map.of("jsonrpc", "2.0", "method", "notifications/cancelled",
                "params", Map.of("requestId", 7, "reason", "user pressed stop")));
        assertThat(cancelled.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false);
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.runningCalls().isEmpty());
        HttpResponse<String> ended = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the call ended long before its 10 s")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(ended.body()).contains("\"isError\":true");

        // the worker goes on: its (fresh) analyzer answers the next call, in another process
        Map<String, Object> pong = PipelineIT.structured(harness.client().callTool(new CallToolRequest("ping", Map.of())));
        assertThat(pong).containsEntry("pong", true);
        assertThat(((Number) pong.get("pid")).longValue()).isNotEqualTo(pid);
    }

    @Test
    void aCancelForACallThatIsNotRunningChangesNothing() {
        AnalyzerPool pool = harness.worker().getBean(WorkerRuntime.class).analyzerPools().get(0);
        assertThat(pool.cancel("no-such-call")).isFalse();
        assertThat(PipelineIT.structured(harness.client().callTool(new CallToolRequest("ping", Map.of()))))
                .containsEntry("pong", true);
        assertThat(pool.runningCalls()).isEqualTo(Set.of());
    }

    private static HttpResponse<String> post(String session, Map<String, Object> message) {
        return post(harness, session, message);
    }

    /** One JSON-RPC message posted to {@code on}'s MCP endpoint, on {@code session} (null: none yet). */
    static HttpResponse<String> post(PipelineHarness on, String session, Map<String, Object> message) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.url() + "/mcp"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2025-06-18")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message)));
            if (session != null) {
                request.header("Mcp-Session-Id", session);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
