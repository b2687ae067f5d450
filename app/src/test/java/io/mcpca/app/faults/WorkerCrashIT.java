package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
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
 * kill -9 of one of two worker JVMs while 500 calls are in flight: every call is answered exactly once
 * with a correct result, and the dead worker's pending entries move to the live one within minIdle
 * plus one reclaim period (plus slack for a busy CI box).
 */
class WorkerCrashIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final Duration MIN_IDLE = Duration.ofSeconds(2);
    static final Duration RECLAIM_PERIOD = Duration.ofMillis(500);
    /** Slack for scheduling on 2 loaded cores; recovery is asserted bounded, not fast. */
    static final Duration SLACK = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    @Test
    void killingOneOfTwoWorkersLosesNoCallAndAnswersEachOnce() throws Exception {
        String prefix = REDIS.newPrefix();
        String[] settings = {"--mcpca.worker.concurrency=4", "--mcpca.worker.min-idle=" + MIN_IDLE.toMillis() + "ms",
                "--mcpca.worker.reclaim-period=" + RECLAIM_PERIOD.toMillis() + "ms", "--mcpca.worker.lock-ttl=2s"};
        try (FaultIngress ingress = new FaultIngress(REDIS.uri(), prefix);
             WorkerJvm victim = WorkerJvm.start(dir, "victim", REDIS.uri(), prefix, dir, settings);
             WorkerJvm survivor = WorkerJvm.start(dir, "survivor", REDIS.uri(), prefix, dir, settings)) {
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> ingress.workerRegistered(victim) && ingress.workerRegistered(survivor));

            List<Call> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                calls.add(ingress.ping("crash-session-" + (i % 60), 30));
            }
            // kill while the victim holds work
            await().atMost(30, TimeUnit.SECONDS).until(() -> ingress.pendingByConsumer().entrySet().stream()
                    .anyMatch(e -> victim.owns(e.getKey()) && e.getValue() > 0)
                    && calls.stream().filter(c -> c.answer().isDone()).count() >= 50);
            victim.kill9();
            long killedAt = System.nanoTime();

            await().atMost(MIN_IDLE.plus(RECLAIM_PERIOD).plus(SLACK))
                    .until(() -> ingress.pendingByConsumer().entrySet().stream()
                            .noneMatch(e -> victim.owns(e.getKey()) && e.getValue() > 0));
            long reclaimMs = (System.nanoTime() - killedAt) / 1_000_000;

            for (Call call : calls) {
                ToolReply reply = call.answer().get(60, TimeUnit.SECONDS);
                assertThat(reply.kind()).as("answer to %s: %s", call.requestId(), reply.errorMessage())
                        .isEqualTo(ReplyKind.RESULT);
                assertThat(FaultIngress.result(reply)).containsEntry("pong", true);
                assertThat(FaultIngress.micros(reply, "endedAtMicros") - FaultIngress.micros(reply, "startedAtMicros"))
                        .isGreaterThanOrEqualTo(30_000);
            }
            Map<String, List<ToolReply>> replies = ingress.finalReplies();
            assertThat(replies.keySet()).containsAll(calls.stream().map(Call::requestId).toList());
            assertThat(ingress.router.pendingCount()).isZero();
            long reran = replies.values().stream().filter(r -> r.size() > 1).count();
            System.err.printf("crash test: reclaimed in %d ms; %d calls answered more than once in the stream "
                    + "(dropped by the ingress)%n", reclaimMs, reran);
            assertThat(survivor.isAlive()).isTrue();
        }
    }
}
