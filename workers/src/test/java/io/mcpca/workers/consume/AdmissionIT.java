package io.mcpca.workers.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read loop's admission on a real Redis: calls the worker answers itself finish on the loop (session-locked
 * ones of one session one after another, in arrival order, the later ones waiting on the loop for the lease);
 * a call that needs an analyzer becomes a task for a call thread; an undecodable entry becomes a dead-letter task.
 */
class AdmissionIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private WorkerCore core;

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void lockedCallsOfOneSessionInOneReadFinishOnTheLoopInArrivalOrder() {
        core = new WorkerCore(REDIS.uri(), REDIS.newPrefix(), Set.of());
        ToolRequest a = core.ping("s1", "worker");
        ToolRequest b = core.ping("s1", "worker");
        ToolRequest c = core.ping("s1", "worker");

        List<Optional<Runnable>> tasks = core.handler.admit(WorkerCore.POOL, core.deliver(a, b, c));

        assertThat(tasks).hasSize(3).allMatch(Optional::isEmpty);
        // the loop admits again while calls wait, as the consumer does
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            core.handler.retryIn().ifPresent(d -> core.handler.admit(WorkerCore.POOL, List.of()));
            return core.handler.heldBack() == 0 && core.replies().size() == 3;
        });
        assertThat(core.replies()).extracting(ToolReply::requestId)
                .containsExactly(a.requestId(), b.requestId(), c.requestId());
        assertThat(core.replies()).extracting(ToolReply::kind).containsOnly(ReplyKind.RESULT);
        for (ToolRequest call : List.of(a, b, c)) {
            assertThat(core.record(call)).map(ExecutionRecord::state).contains(ExecutionState.SUCCEEDED);
        }
        assertThat(core.sessionVersion("s1")).isEqualTo("3");
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.pending() == 0);
    }

    @Test
    void aCallThatNeedsAnAnalyzerIsATaskAndASessionlessPingIsAnsweredOnTheLoop() throws Exception {
        core = new WorkerCore(REDIS.uri(), REDIS.newPrefix(), Set.of("ping"));
        ToolRequest viaAnalyzer = core.ping("s2", "analyzer");
        ToolRequest viaWorker = core.ping("s3", "worker");

        List<Optional<Runnable>> tasks = core.handler.admit(WorkerCore.POOL, core.deliver(viaAnalyzer, viaWorker));

        assertThat(tasks.get(0)).isPresent();
        assertThat(tasks.get(1)).as("answered on the loop").isEmpty();
        core.loopReplies.send(); // the loop's reply leaves with its next read
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.replies().size() == 1);
        assertThat(core.replies().get(0).requestId()).isEqualTo(viaWorker.requestId());

        tasks.get(0).get().run();
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.replies().size() == 2);
        assertThat(core.replies().get(1).requestId()).isEqualTo(viaAnalyzer.requestId());
        assertThat(core.record(viaAnalyzer)).as("sessionless: no record").isEmpty();
        assertThat(core.record(viaWorker)).isEmpty();
    }

    @Test
    void anUndecodableEntryBecomesADeadLetterTask() {
        core = new WorkerCore(REDIS.uri(), REDIS.newPrefix(), Set.of());
        REDIS.sync().xadd(core.keys.requestStream(WorkerCore.POOL, 0), Map.of("c", "json", "d", "{not json"));
        ToolRequest ping = core.ping("s4", "worker");

        List<Optional<Runnable>> tasks = core.handler.admit(WorkerCore.POOL, core.deliver(ping));

        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(1)).as("the ping after it is answered on the loop").isEmpty();
        tasks.get(0).orElseThrow().run();
        assertThat(core.deadLetters()).isEqualTo(1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.replies().size() == 1 && core.pending() == 0);
    }
}
