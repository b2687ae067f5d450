package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a hanging call (a FIFO then; a ping that sleeps past its deadline here, an analyzer that does not
 * answer) held its session's lease and an analyzer until its deadline, and stopping the worker with it in
 * flight needed SIGKILL. Past its deadline a call frees its lease and its analyzer at once (the process is
 * killed and replaced), so the session's next call runs; a stopped worker exits within its grace period
 * (plus the JVM's own shutdown), killing the analyzers of calls still running and handing their entries back.
 */
class DeadlinesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** Time a JVM needs beyond the grace period to close its context and exit (measured ~1-3 s here). */
    static final Duration EXIT_MARGIN = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void aCallPastItsDeadlineFreesItsSessionAndItsAnalyzerAtOnce() throws Exception {
        String prefix = REDIS.newPrefix();
        try (FaultIngress ingress = new FaultIngress(REDIS.uri(), prefix);
             WorkerJvm worker = WorkerJvm.start(dir, "deadline", REDIS.uri(), prefix, dir,
                     "--mcpca.worker.concurrency=1", "--mcpca.worker.sessionless-fast-path=false")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> ingress.workerRegistered(worker));
            Set<Long> analyzers = analyzerPids(worker);

            Call hanging = ingress.ping("held", Map.of("sleepMs", 600_000), Duration.ofSeconds(2));
            Call next = ingress.ping("held", Map.of(), Duration.ofSeconds(60));

            ToolReply late = hanging.answer().get(30, TimeUnit.SECONDS);
            long lateAt = System.nanoTime();
            assertThat(late.errorCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.name());
            ToolReply served = next.answer().get(30, TimeUnit.SECONDS);
            assertThat(served.kind()).as(served.errorMessage()).isEqualTo(ReplyKind.RESULT);
            assertThat(Duration.ofNanos(System.nanoTime() - lateAt)).as("the session's next call right after")
                    .isLessThan(Duration.ofSeconds(5));
            // the overrun analyzer was killed and replaced: the one analyzer of this worker is a new process
            assertThat(analyzerPids(worker)).hasSize(1).doesNotContainAnyElementsOf(analyzers);
            assertThat(analyzers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true)));
        }
    }

    @Test
    void aWorkerStoppedWithAHangingCallInFlightExitsWithinItsGracePeriod() throws Exception {
        String prefix = REDIS.newPrefix();
        Duration grace = Duration.ofSeconds(2);
        try (FaultIngress ingress = new FaultIngress(REDIS.uri(), prefix);
             WorkerJvm worker = WorkerJvm.start(dir, "stopping", REDIS.uri(), prefix, dir,
                     "--mcpca.worker.concurrency=1", "--mcpca.worker.shutdown-grace=" + grace.toMillis() + "ms")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> ingress.workerRegistered(worker));
            Set<Long> analyzers = analyzerPids(worker);
            ingress.ping("hanging", Map.of("sleepMs", 600_000), Duration.ofMinutes(20));
            await().atMost(30, TimeUnit.SECONDS).until(() -> ingress.pendingByConsumer().entrySet().stream()
                    .anyMatch(e -> worker.owns(e.getKey()) && e.getValue() > 0));
            Thread.sleep(500); // the call is in the analyzer's hands

            long stopped = System.nanoTime();
            worker.signal("TERM");
            boolean exited = worker.waitFor(grace.plus(EXIT_MARGIN).toSeconds() + 30);
            Duration took = Duration.ofNanos(System.nanoTime() - stopped);
            assertThat(exited).as("the worker exits after SIGTERM").isTrue();
            assertThat(took).as("exit after SIGTERM, grace " + grace + "\n" + worker.log())
                    .isLessThan(grace.plus(EXIT_MARGIN));
            assertThat(analyzers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true)));
            assertThat(ingress.workerRegistered(worker)).as("left the registry").isFalse();
        }
    }

    /**
     * As the issue saw it: {@code serve} (ingress and worker in one JVM) with an MCP call in flight whose
     * analyzer does not answer. The web server's graceful shutdown waits for that request no longer than the
     * worker's grace period, and the whole process exits within grace (per phase) plus the JVM's margin.
     */
    @Test
    void serveStoppedWithAnMcpCallInFlightExitsWithinItsGracePeriod() throws Exception {
        String prefix = REDIS.newPrefix();
        Duration grace = Duration.ofSeconds(2);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (WorkerJvm serve = WorkerJvm.serve(dir, "serve", REDIS.uri(), prefix, dir, port,
                "--mcpca.worker.concurrency=1", "--mcpca.worker.shutdown-grace=" + grace.toMillis() + "ms")) {
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                    .endpoint("/mcp").build()).requestTimeout(Duration.ofMinutes(5)).build();
            await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() -> client.initialize() != null);
            Set<Long> analyzers = analyzerPids(serve);
            java.util.concurrent.CompletableFuture<Object> call = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> client.callTool(new CallToolRequest("ping", Map.of("sleepMs", 60_000))));
            Thread.sleep(1_500); // the call is in the analyzer's hands

            long stopped = System.nanoTime();
            serve.signal("TERM");
            boolean exited = serve.waitFor(120);
            Duration took = Duration.ofNanos(System.nanoTime() - stopped);
            assertThat(exited).as("serve exits after SIGTERM").isTrue();
            assertThat(took).as("exit after SIGTERM, grace " + grace + "\n" + serve.log())
                    .isLessThan(grace.multipliedBy(2).plus(EXIT_MARGIN));
            assertThat(analyzers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true)));
            call.handle((result, error) -> null).get(30, TimeUnit.SECONDS); // answered or cut off, never left hanging
            client.closeGracefully();
        }
    }

    /** The worker JVM's analyzer processes (its direct children). */
    private static Set<Long> analyzerPids(WorkerJvm worker) {
        return ProcessHandle.of(worker.pid()).orElseThrow().children().map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
