package io.mcpca.workers.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The locked run on a real Redis: a call of a free session finishes under its fence (one reply, SUCCEEDED, the
 * session written, the entry acknowledged); a session busy past the deadline answers DEADLINE_EXCEEDED and records
 * CANCELLED; a second delivery of a finished call answers again instead of running twice.
 */
class LockedRunIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private WorkerCore core;

    @BeforeEach
    void core() {
        core = new WorkerCore(REDIS.uri(), REDIS.newPrefix(), Set.of());
    }

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aCallOfAFreeSessionRunsAndFinishesUnderItsFence() {
        ToolRequest ping = core.ping("s1", "analyzer");
        core.handler.handle(WorkerCore.POOL, core.deliver(ping).get(0), 1);

        await().atMost(10, TimeUnit.SECONDS).until(() -> core.pending() == 0);
        assertThat(core.replies()).singleElement().satisfies(reply -> {
            assertThat(reply.kind()).isEqualTo(ReplyKind.RESULT);
            assertThat(reply.requestId()).isEqualTo(ping.requestId());
        });
        assertThat(core.record(ping)).map(ExecutionRecord::state).contains(ExecutionState.SUCCEEDED);
        assertThat(core.sessionVersion("s1")).isEqualTo("1");
    }

    @Test
    void aSessionBusyPastTheDeadlineIsAnsweredDeadlineExceeded() {
        // another call holds the session's lease for longer than this call may wait
        assertThat(core.starts.tryStart("s2", "other", 1, "w0", Duration.ofSeconds(30))).isPresent();
        ToolRequest late = WorkerCore.call("s2", "ping", Map.of("via", "worker"), core.replyTo,
                Duration.ofMillis(300));

        core.handler.handle(WorkerCore.POOL, core.deliver(late).get(0), 1);

        await().atMost(10, TimeUnit.SECONDS).until(() -> core.pending() == 0);
        ToolReply reply = core.replies().get(0);
        assertThat(reply.kind()).isEqualTo(ReplyKind.ERROR);
        assertThat(reply.errorCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.name());
        assertThat(core.record(late)).map(ExecutionRecord::state).contains(ExecutionState.CANCELLED);
        assertThat(core.sessionVersion("s2")).as("the session was never written").isNull();
    }

    @Test
    void aSecondDeliveryOfAFinishedCallAnswersAgainAndDoesNotRunTwice() {
        ToolRequest ping = core.ping("s3", "worker");
        var message = core.deliver(ping).get(0);
        core.handler.handle(WorkerCore.POOL, message, 1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.replies().size() == 1);
        // acknowledged, so its kept reply is gone too: the redelivery says the answer was lost, retryably
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.pending() == 0);

        core.handler.handle(WorkerCore.POOL, message, 2);

        await().atMost(10, TimeUnit.SECONDS).until(() -> core.replies().size() == 2);
        ToolReply again = core.replies().get(1);
        assertThat(again.requestId()).isEqualTo(ping.requestId());
        assertThat(again.errorCode()).isEqualTo(ErrorCode.INTERNAL.name());
        assertThat(again.errorMessage()).contains("earlier delivery");
        assertThat(core.sessionVersion("s3")).as("the session was written once").isEqualTo("1");
    }
}
