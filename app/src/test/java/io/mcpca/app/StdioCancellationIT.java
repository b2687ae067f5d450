package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.mcpca.workers.run.AnalyzerPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Cancel mid-run over stdio: the server runs as a child process ({@code --mcpca.ingress.stdio=true}) and the
 * test speaks JSON-RPC lines on its real stdin/stdout pipes (the SDK client cannot send a cancel). A
 * {@code notifications/cancelled} for a running 10 s call kills the worker's analyzer process running it,
 * the call's execution record ends CANCELLED, the client gets its answer at once, and the session goes on:
 * a cancel naming no running call changes nothing and the worker answers the next call. The worker runs in
 * this JVM, so its analyzer pool is in reach; ping takes the session-locked path (fast path off) so the call
 * has an execution record.
 */
class StdioCancellationIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static final ObjectMapper JSON = new ObjectMapper();
    static Keys keys;
    static ConfigurableApplicationContext worker;
    static StdioServer server;

    @BeforeAll
    static void start() throws IOException {
        String prefix = REDIS.newPrefix();
        keys = new Keys(prefix);
        List<String> common = List.of("--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false");
        List<String> workerArgs = new ArrayList<>(common);
        workerArgs.addAll(List.of("--mcpca.ingress.enabled=false", "--mcpca.worker.management-port=0",
                "--mcpca.worker.pools=fast",
                "--mcpca.worker.concurrency=1", "--mcpca.worker.sessionless-fast-path=false"));
        worker = McpcaApplication.start(workerArgs.toArray(String[]::new));
        List<String> serverArgs = new ArrayList<>(common);
        serverArgs.addAll(List.of("--mcpca.ingress.stdio=true", "--mcpca.worker.enabled=false"));
        server = StdioServer.launch(serverArgs);
        server.request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "stdio-cancel-test", "version", "1"))).join();
        server.notify("notifications/initialized", Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aCancelOverStdioKillsTheAnalyzerRecordsCancelledAndTheSessionGoesOn() throws Exception {
        AnalyzerPool pool = worker.getBean(WorkerRuntime.class).analyzerPools().get(0);
        long started = System.nanoTime();
        CompletableFuture<JsonNode> slow = server.request(7, "tools/call",
                Map.of("name", "ping", "arguments", Map.of("sleepMs", 10_000)));

        await().atMost(Duration.ofSeconds(20)).until(() -> !pool.runningCalls().isEmpty());
        String requestId = pool.runningCalls().iterator().next();
        long pid = pool.pidOf(requestId).orElseThrow();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(executionState(requestId)).contains("RUNNING");

        server.notify("notifications/cancelled", Map.of("requestId", 7, "reason", "user pressed stop"));

        JsonNode answer = slow.get(8, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the call ended long before its 10 s")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.path("result").toString()).contains("CANCELLED");
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.runningCalls().isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> executionState(requestId).equals(Optional.of("CANCELLED")));

        // a cancel naming no running call changes nothing; the session and the worker go on, on a fresh analyzer
        server.notify("notifications/cancelled", Map.of("requestId", 99));
        JsonNode next = server.request(8, "tools/call", Map.of("name", "ping", "arguments", Map.of()))
                .get(30, TimeUnit.SECONDS);
        JsonNode pong = next.path("result").path("structuredContent");
        assertThat(pong.path("pong").asBoolean()).as(next.toString()).isTrue();
        assertThat(pong.path("pid").asLong()).isNotEqualTo(pid);
        assertThat(server.isAlive()).isTrue();
    }

    /** The state in the call's execution record (found by request id: the stdio session's id is the server's). */
    private static Optional<String> executionState(String requestId) {
        ScanArgs match = ScanArgs.Builder.matches(keys.execution("*", requestId)).limit(500);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = REDIS.sync().scan(cursor, match);
            for (String key : page.getKeys()) {
                return Optional.ofNullable(REDIS.sync().hget(key, "state"));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return Optional.empty();
    }

    /** The server as a child process, answering JSON-RPC lines on its stdout; stderr is echoed. */
    static final class StdioServer implements AutoCloseable {

        private final Process process;
        private final OutputStream stdin;
        private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
        private int nextId = 1000;

        private StdioServer(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(this::readAnswers, "stdio-test-reader");
            reader.setDaemon(true);
            reader.start();
            Thread errors = new Thread(() -> new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)).lines().forEach(line -> System.err.println("[server] " + line)),
                    "stdio-test-stderr");
            errors.setDaemon(true);
            errors.start();
        }

        static StdioServer launch(List<String> args) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java,
                    "-Dmcpca.analyzer.path=" + System.getProperty("mcpca.analyzer.path", ""),
                    "-cp", System.getProperty("java.class.path"), McpcaApplication.class.getName()));
            command.addAll(args);
            return new StdioServer(new ProcessBuilder(command).start());
        }

        CompletableFuture<JsonNode> request(String method, Map<String, Object> params) {
            return request(nextId++, method, params);
        }

        CompletableFuture<JsonNode> request(long id, String method, Map<String, Object> params) {
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answers.put(id, answer);
            send(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
            return answer.orTimeout(60, TimeUnit.SECONDS);
        }

        void notify(String method, Map<String, Object> params) {
            send(Map.of("jsonrpc", "2.0", "method", method, "params", params));
        }

        boolean isAlive() {
            return process.isAlive();
        }

        private synchronized void send(Map<String, Object> message) {
            try {
                stdin.write(JSON.writeValueAsBytes(message));
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void readAnswers() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    JsonNode message = JSON.readTree(line);
                    if (message.has("id") && !message.has("method")) {
                        CompletableFuture<JsonNode> answer = answers.remove(message.get("id").asLong());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    }
                }
            } catch (IOException e) {
                answers.values().forEach(a -> a.completeExceptionally(e));
            }
        }

        /** Closes stdin: the server lets calls in flight answer and exits. */
        @Override
        public void close() throws InterruptedException {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
