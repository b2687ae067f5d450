package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.testing.SentinelTopology;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sentinel failover test: 1 master, 1 replica, 3 Sentinels (real processes); an ingress and two workers
 * (one in this JVM with the ingress, one a JVM of its own) reach Redis only through the Sentinel URL, with
 * {@code mcpca.redis.wait-replicas=1}; 300 callers keep calls in flight; the master is killed (and restarted, empty,
 * as a supervisor would; the Sentinels make it a replica of the new master some 10 s later, until then writes stand on
 * the new master alone). Promised, and checked: every call returns before its deadline, answered with its own answer
 * or refused with a clear retryable error at submit (no call the ingress accepted is lost: none ends in
 * DEADLINE_EXCEEDED or another error after it was queued); calls flow again within 10 s of the kill (every call
 * started 10 s after it is answered). Measured times are printed.
 */
class SentinelFailoverIT {

    private static final int CALLERS = 300;
    /** MCP sessions the callers share: session-locked calls of one session run one at a time. */
    private static final int SESSIONS = 50;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    /** How long calls go on after the kill: the recovery window and 5 s of calls that must all be answered. */
    private static final Duration AFTER_KILL = RECOVERY.plusSeconds(5);

    @TempDir
    Path dir;

    @Test
    void afterTheMasterIsKilledEveryCallIsAnsweredOrRefusedRetryablyAndCallsFlowWithinTenSeconds() throws Exception {
        Path root = java.nio.file.Files.createDirectories(dir.resolve("root"));
        try (SentinelTopology redis = SentinelTopology.start(dir.resolve("redis"))) {
            String prefix = "sf" + Long.toHexString(System.nanoTime());
            String[] common = {"--mcpca.redis.wait-replicas=1", "--mcpca.redis.wait-timeout=500ms",
                    "--mcpca.ingress.call-timeout=" + CALL_TIMEOUT.toMillis() + "ms",
                    "--mcpca.ingress.rate-limit-per-second=0", "--mcpca.ingress.redis-retry-after=500ms",
                    "--mcpca.worker.min-idle=3s", "--mcpca.worker.reclaim-period=1s",
                    // a call whose finish the dying master never confirmed leaves its session's lease behind on the
                    // new master until it expires: the session's next calls wait that long (30 s by default)
                    "--mcpca.worker.lock-ttl=6s"};
            try (WorkerJvm second = WorkerJvm.start(dir, "worker-2", redis.uri(), prefix, root, common);
                 PipelineHarness harness = new PipelineHarness(redis.uri(), prefix, root, common)) {
                second.awaitConsuming(Duration.ofSeconds(90));
                List<McpSyncClient> clients = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    clients.add(harness.client());
                }
                AtomicInteger answeredBeforeKill = new AtomicInteger();
                long[] killedAt = {Long.MAX_VALUE};
                CallerLoad load = CallerLoad.start(CALLERS, Long.MAX_VALUE, (caller, i) -> {
                    CallOutcome o = CallOutcome.call(clients.get(caller % SESSIONS), (caller + i) % 2 == 0,
                            "fn_" + caller + "_" + i);
                    if (o.ok() && o.endNanos() < killedAt[0]) {
                        answeredBeforeKill.incrementAndGet();
                    }
                    return o;
                });
                long warmUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (answeredBeforeKill.get() < CALLERS && System.nanoTime() < warmUntil) {
                    Thread.sleep(100);
                }
                killedAt[0] = System.nanoTime();
                load.stopAt(killedAt[0] + AFTER_KILL.toNanos());
                redis.killMaster();
                Duration promotion = redis.awaitPromotion(Duration.ofSeconds(30));
                redis.restartOldMaster();
                List<CallOutcome> outcomes = load.awaitEnd(AFTER_KILL.plus(CALL_TIMEOUT).plusSeconds(60));
                String secondLog = second.log();
                assertThat(second.isAlive()).as("the second worker is still running; the end of its log:%n%s",
                        secondLog.substring(Math.max(0, secondLog.length() - 6000))).isTrue();
                check(outcomes, killedAt[0], promotion, answeredBeforeKill.get(),
                        redis.masterReplication());
            }
        }
    }

    private static void check(List<CallOutcome> all, long killedAt, Duration promotion, int beforeKill,
                              Map<String, String> replication) {
        List<CallOutcome> failed = all.stream().filter(o -> !o.ok()).toList();
        long refused = failed.stream().filter(CallOutcome::refusedAtSubmit).count();
        long transport = failed.stream().filter(o -> o.text().startsWith("client exception")).count();
        long firstAnswerAfterKill = all.stream().filter(o -> o.ok() && o.startNanos() >= killedAt)
                .mapToLong(CallOutcome::endNanos).min().orElse(Long.MAX_VALUE);
        long lastFailure = failed.stream().mapToLong(CallOutcome::endNanos).max().orElse(killedAt);
        System.err.printf("sentinel failover: %d calls (%d answered before the kill), %d failed: %d refused at submit, "
                        + "%d HTTP transport errors; promotion seen %d ms after the kill; first answer to a call started "
                        + "after the kill %d ms after it; last failure %d ms after it; new master %s with %s replica(s)%n",
                all.size(), beforeKill, failed.size(), refused, transport, promotion.toMillis(),
                (firstAnswerAfterKill - killedAt) / 1_000_000, (lastFailure - killedAt) / 1_000_000,
                replication.get("role"), replication.get("connected_slaves"));
        failed.stream().collect(java.util.stream.Collectors.groupingBy(
                        o -> o.text().substring(0, Math.min(70, o.text().length())), java.util.stream.Collectors.counting()))
                .forEach((text, n) -> System.err.printf("  %5d x %s%n", n, text));
        assertThat(beforeKill).as("calls answered before the kill").isGreaterThanOrEqualTo(CALLERS);
        long deadline = CALL_TIMEOUT.plus(SLACK).toNanos();
        for (CallOutcome o : all) {
            assertThat(o.endNanos() - o.startNanos()).as("call past its deadline: %s", o.text())
                    .isLessThanOrEqualTo(deadline);
            if (!o.ok()) {
                assertThat(o.retryable()).as("a failure is retryable: %s", o.text()).isTrue();
                assertThat(o.refusedAtSubmit() || o.text().startsWith("client exception"))
                        .as("with wait-replicas=1 a call fails only at submit, never after it was accepted: %s", o.text())
                        .isTrue();
            }
        }
        List<CallOutcome> late = all.stream().filter(o -> o.startNanos() >= killedAt + RECOVERY.toNanos()).toList();
        assertThat(late).as("calls started 10 s after the kill").isNotEmpty();
        assertThat(late).as("every call started 10 s after the kill is answered").allMatch(CallOutcome::ok, "answered");
    }

}
