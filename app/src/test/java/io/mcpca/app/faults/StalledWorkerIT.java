package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGSTOP a worker that holds a session lease until the lease and its entry's idle time run out;
 * the other worker reclaims the call and takes the session under a newer fence; SIGCONT: the stale
 * worker's session write is refused (fencing) so it drops its result, the client gets one answer,
 * and the two runs did not overlap.
 */
class StalledWorkerIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final int CALL_MS = 1500;

    @TempDir
    Path dir;

    @Test
    void aStaleWorkerCannotWriteTheSessionAfterItsLeaseWasTaken() throws Exception {
        String prefix = REDIS.newPrefix();
        String[] settings = {"--mcpca.worker.concurrency=2", "--mcpca.worker.min-idle=2s",
                "--mcpca.worker.reclaim-period=300ms", "--mcpca.worker.lock-ttl=2s",
                "--mcpca.worker.sessionless-fast-path=false"}; // ping through the lease and fence under test
        try (FaultIngress ingress = new FaultIngress(REDIS.uri(), prefix);
             WorkerJvm first = WorkerJvm.start(dir, "first", REDIS.uri(), prefix, dir, settings);
             WorkerJvm second = WorkerJvm.start(dir, "second", REDIS.uri(), prefix, dir, settings)) {
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> ingress.workerRegistered(first) && ingress.workerRegistered(second));
            ExecutionStore executions = new ExecutionStore(ingress.strings.sync(), ingress.keys, Duration.ofMinutes(5),
                    Clock.systemUTC());
            SessionStore sessions = new SessionStore(ingress.strings.sync(), ingress.keys);

            Call call = ingress.ping("stalled-session", CALL_MS);
            ExecutionRecord running = await().atMost(30, TimeUnit.SECONDS).until(
                    () -> executions.find("stalled-session", call.requestId()),
                    r -> r.isPresent() && r.get().state() == ExecutionState.RUNNING).orElseThrow();
            WorkerJvm stale = first.owns(running.workerId()) ? first : second;
            WorkerJvm fresh = stale == first ? second : first;
            stale.signal("STOP");
            try {
                // the live worker reclaims the call and takes the session under a newer fence (2-5 s on a quiet box:
                // min-idle, then the lease's TTL; 20 s was once not enough on a CI box shared with other test runs)
                await().atMost(60, TimeUnit.SECONDS).until(() -> executions.find("stalled-session", call.requestId())
                        .filter(r -> r.attempt() >= 2 && fresh.owns(r.workerId())
                                && r.state() == ExecutionState.RUNNING).isPresent());
            } finally {
                stale.signal("CONT");
            }
            ToolReply answer = call.answer().get(30, TimeUnit.SECONDS);
            assertThat(answer.kind()).isEqualTo(ReplyKind.RESULT);
            assertThat(fresh.owns(answer.workerId())).as("answered by the live worker").isTrue();

            await().atMost(20, TimeUnit.SECONDS).until(() -> stale.log().contains("this result is dropped"));
            List<ToolReply> finals = ingress.finalReplies().get(call.requestId());
            assertThat(finals).as("final replies in the stream").hasSize(1);
            Session session = sessions.getSession("stalled-session").orElseThrow();
            assertThat(session.version()).as("accepted session writes").isEqualTo(1);
            assertThat(session.fence()).isGreaterThanOrEqualTo(2);
            assertThat(executions.find("stalled-session", call.requestId()).map(ExecutionRecord::state))
                    .isEqualTo(Optional.of(ExecutionState.SUCCEEDED));

            // the stale run began when its RUNNING was recorded and lasted CALL_MS; the fresh run began after it ended
            long freshStartMs = FaultIngress.micros(answer, "startedAtMicros") / 1000;
            assertThat(freshStartMs).as("fresh run start vs stale run end")
                    .isGreaterThanOrEqualTo(running.updatedAtMs() + CALL_MS);
            assertThat(stale.isAlive()).isTrue();
        }
    }
}
