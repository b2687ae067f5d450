package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis killed and restarted empty while MCP clients keep calling (the Redis fault test): the
 * ingress and the worker recover within 10 s; every call returns before its deadline, answered or with a
 * clear retryable error (UNAVAILABLE while Redis is down, or for a call whose queue entry or reply stream
 * the empty Redis lost); none hangs. Calls alternate a sessionless ping (fast path) and a session-locked
 * calculate-metrics, so both paths must find their groups, scripts and reply stream again.
 */
class RedisRestartIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** The ingress's call timeout: short, so a call that hangs fails the test quickly instead of passing late. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** A result must come this soon after the call timeout at the latest (HTTP and scheduling slack). */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    private static final int CALLERS = 6;

    @TempDir
    Path dir;

    @Test
    void everyCallReturnsInTimeAndCallsFlowAgainWithinTenSecondsOfAnEmptyRestart() throws Exception {
        Assumptions.assumeTrue(REDIS.ownsServer(), "needs a private redis-server to kill (REDIS_URL is set)");
        killAndRestartUnderCalls(REDIS.uri(), REDIS.newPrefix(), dir, REDIS::kill, REDIS::restart);
    }

    /**
     * The scenario on any Redis the caller can kill and restart (empty): calls from 6 callers, the kill after 2 s,
     * the restart 1 s later, calls until 3 s after the recovery window; {@code extra} goes to the processes.
     */
    static void killAndRestartUnderCalls(String uri, String prefix, Path dir, Runnable kill, Runnable restart,
                                         String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--mcpca.ingress.call-timeout=" + CALL_TIMEOUT.toMillis() + "ms",
                "--mcpca.ingress.rate-limit-per-second=0", "--mcpca.ingress.redis-retry-after=500ms"));
        args.addAll(List.of(extra));
        try (PipelineHarness harness = new PipelineHarness(uri, prefix, dir, args.toArray(String[]::new))) {
            McpSyncClient client = harness.client();
            ConcurrentLinkedQueue<CallOutcome> outcomes = new ConcurrentLinkedQueue<>();
            long testStart = System.nanoTime();
            long[] restartedAt = {Long.MAX_VALUE};
            long stopAt = testStart + Duration.ofSeconds(2).toNanos() + Duration.ofSeconds(1).toNanos()
                    + RECOVERY.toNanos() + Duration.ofSeconds(3).toNanos();
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                running.add(callers.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < stopAt) {
                        outcomes.add(CallOutcome.call(client, (caller + i++) % 2 == 0));
                    }
                }));
            }
            Thread.sleep(2_000);
            kill.run();
            Thread.sleep(1_000);
            restart.run();
            restartedAt[0] = System.nanoTime();
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS); // a hung call would hold its caller past this
            }
            callers.shutdownNow();

            List<CallOutcome> all = List.copyOf(outcomes);
            long deadlineNanos = CALL_TIMEOUT.plus(SLACK).toNanos();
            long okBefore = all.stream().filter(o -> o.ok() && o.endNanos() < restartedAt[0] - 1_000_000_000L).count();
            long failed = all.stream().filter(o -> !o.ok()).count();
            long transport = all.stream().filter(o -> o.text().startsWith("client exception")).count();
            System.err.printf("redis restart: %d calls, %d answered before the kill, %d failed (retryable), %d of "
                    + "them HTTP transport errors%n", all.size(), okBefore, failed, transport);
            assertThat(okBefore).as("calls were answered before the kill").isPositive();
            for (CallOutcome o : all) {
                assertThat(o.endNanos() - o.startNanos()).as("call took past its deadline: %s", o.text())
                        .isLessThanOrEqualTo(deadlineNanos);
                if (!o.ok()) {
                    assertThat(o.retryable()).as("a failure during the outage is retryable: %s", o.text()).isTrue();
                }
            }
            long recoveredBy = restartedAt[0] + RECOVERY.toNanos();
            List<CallOutcome> afterRecovery = all.stream().filter(o -> o.startNanos() >= recoveredBy).toList();
            assertThat(afterRecovery).as("calls started 10 s after the restart").isNotEmpty();
            assertThat(afterRecovery).as("every call started 10 s after the restart is answered")
                    .allMatch(CallOutcome::ok, "answered");
        }
    }
}
