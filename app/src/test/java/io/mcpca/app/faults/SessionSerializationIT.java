package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.McpcaApplication;
import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Session leases on the real pipeline: 50 concurrent calls on one session run strictly one at a time
 * (the analyzer's start/end times never overlap) and the session's version rises by exactly 50;
 * calls on 50 different sessions do run at the same time.
 */
class SessionSerializationIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static String prefix;
    static ConfigurableApplicationContext worker;
    static FaultIngress ingress;

    @BeforeAll
    static void start() {
        prefix = REDIS.newPrefix();
        worker = McpcaApplication.start("--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false", "--mcpca.ingress.enabled=false",
                "--mcpca.worker.management-port=0",
                "--mcpca.worker.pools=fast", "--mcpca.worker.concurrency=8",
                // ping is sessionless; with the fast path off it takes the session lock under test here
                "--mcpca.worker.sessionless-fast-path=false");
        ingress = new FaultIngress(REDIS.uri(), prefix);
    }

    @AfterAll
    static void stop() {
        if (ingress != null) {
            ingress.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void fiftyCallsOnOneSessionRunOneAtATimeAndRaiseItsVersionByFifty() throws Exception {
        MeterRegistry meters = worker.getBean(MeterRegistry.class);
        long waitsBefore = meters.get("mcpca.worker.lock.wait").tag("pool", "fast").timer().count();
        double contendedBefore = meters.get("mcpca.worker.lock.contention").tag("pool", "fast").counter().count();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(ingress.ping("one-session", 10));
        }
        List<ToolReply> replies = answers(calls);
        assertThat(maxOverlap(replies)).as("calls of one session running at once").isEqualTo(1);
        SessionStore sessions = new SessionStore(ingress.strings.sync(), ingress.keys);
        assertThat(sessions.getSession("one-session").orElseThrow().version()).isEqualTo(50);
        // every call waited for the lease once; with 8 call threads on one session, most found it busy
        assertThat(meters.get("mcpca.worker.lock.wait").tag("pool", "fast").timer().count() - waitsBefore)
                .isEqualTo(50);
        assertThat(meters.get("mcpca.worker.lock.contention").tag("pool", "fast").counter().count() - contendedBefore)
                .isPositive();
    }

    @Test
    void callsOnDifferentSessionsRunInParallel() throws Exception {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(ingress.ping("parallel-" + i, 100));
        }
        List<ToolReply> replies = answers(calls);
        assertThat(maxOverlap(replies)).as("calls of different sessions running at once").isGreaterThan(1);
    }

    @Test
    void callsTheWorkerAnswersItselfStartAndFinishInBatchesAndEachSessionCountsEveryCall() throws Exception {
        // no analyzer: these start in one pipelined round trip per read and finish in the reply batches, so a
        // read holds many calls of one session at once; all but one of them find it busy and wait their turn
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            calls.add(ingress.pingViaWorker("batched-" + (i % 8)));
        }
        answers(calls);
        SessionStore sessions = new SessionStore(ingress.strings.sync(), ingress.keys);
        ExecutionStore executions = new ExecutionStore(ingress.strings.sync(), ingress.keys, Duration.ofMinutes(5),
                Clock.systemUTC());
        for (int s = 0; s < 8; s++) {
            assertThat(sessions.getSession("batched-" + s).orElseThrow().version()).isEqualTo(50);
            assertThat(ingress.strings.sync().exists(ingress.keys.lock("batched-" + s))).as("lease released").isZero();
        }
        for (Call call : calls) {
            assertThat(executions.find(call.sessionId(), call.requestId()).orElseThrow().state())
                    .isEqualTo(ExecutionState.SUCCEEDED);
            assertThat(ingress.finalReplies().get(call.requestId())).hasSize(1);
        }
        // calls of one session keep their order, those held back for their busy session included
        java.util.Map<String, Integer> submitted = new java.util.HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            submitted.put(calls.get(i).requestId(), i);
        }
        java.util.Map<String, Integer> lastOfSession = new java.util.HashMap<>();
        for (var m : ingress.commands.sync().xrange(ingress.replyStream.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                io.lettuce.core.Range.create("-", "+"))) {
            ToolReply reply = ingress.entries.decodeReply(m.getBody());
            Integer n = submitted.get(reply.requestId());
            if (n != null && reply.kind().isFinal()) {
                String session = calls.get(n).sessionId();
                assertThat(n).as("answer order within " + session).isGreaterThan(lastOfSession.getOrDefault(session, -1));
                lastOfSession.put(session, n);
            }
        }
        assertThat(lastOfSession).hasSize(8);
        await().atMost(Duration.ofSeconds(10)).until(() -> ingress.pendingByConsumer().values().stream()
                .mapToLong(Long::longValue).sum() == 0);
    }

    private static List<ToolReply> answers(List<Call> calls) throws Exception {
        List<ToolReply> replies = new ArrayList<>();
        for (Call call : calls) {
            ToolReply reply = call.answer().get(60, TimeUnit.SECONDS);
            assertThat(reply.kind()).as(reply.errorMessage()).isEqualTo(ReplyKind.RESULT);
            replies.add(reply);
        }
        return replies;
    }

    /** The most analyzer runs in progress at one instant, from their start and end times. */
    static int maxOverlap(List<ToolReply> replies) {
        List<long[]> events = new ArrayList<>();
        for (ToolReply reply : replies) {
            events.add(new long[] {FaultIngress.micros(reply, "startedAtMicros"), +1});
            events.add(new long[] {FaultIngress.micros(reply, "endedAtMicros"), -1});
        }
        // at equal times an end sorts before a start: touching intervals do not overlap
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int running = 0;
        int max = 0;
        for (long[] event : events) {
            running += (int) event[1];
            max = Math.max(max, running);
        }
        return max;
    }
}
