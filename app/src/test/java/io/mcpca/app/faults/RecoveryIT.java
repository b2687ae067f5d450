package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.mcpca.app.McpcaApplication;
import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Recovery on a live worker whose analyzer is a wrapper that really crashes (exit 1) on one marked
 * request and passes everything else to the real analyzer: a poison call lands in the dead-letter
 * stream after maxDeliveries with a clear error for the client while other calls go on; a call longer
 * than minIdle is never redelivered while its worker lives; deleting the request streams under the
 * running worker (NOGROUP) does not stop calls; a call whose reply was lost after it finished is answered
 * again from its record on redelivery, not run again.
 */
class RecoveryIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** ping with this sleepMs kills the wrapper, a real process crash on every attempt. */
    static final int POISON_SLEEP_MS = 4242;
    static final Duration MIN_IDLE = Duration.ofSeconds(1);
    static final int MAX_DELIVERIES = 3;

    @TempDir
    static Path dir;

    static ConfigurableApplicationContext worker;
    static FaultIngress ingress;
    static ExecutionStore executions;

    @BeforeAll
    static void start() throws IOException {
        String prefix = REDIS.newPrefix();
        Path wrapper = CrashingAnalyzer.write(dir, POISON_SLEEP_MS);
        worker = McpcaApplication.start("--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + dir, "--spring.jmx.enabled=false", "--mcpca.ingress.enabled=false",
                "--mcpca.worker.management-port=0",
                "--mcpca.worker.pools=fast", "--mcpca.worker.concurrency=4",
                "--mcpca.worker.analyzer-path=" + wrapper,
                "--mcpca.worker.min-idle=" + MIN_IDLE.toMillis() + "ms", "--mcpca.worker.reclaim-period=300ms",
                "--mcpca.worker.max-deliveries=" + MAX_DELIVERIES, "--mcpca.worker.retry-backoff=20ms",
                "--mcpca.worker.sessionless-fast-path=false"); // these tests read ping's execution records
        ingress = new FaultIngress(REDIS.uri(), prefix);
        executions = new ExecutionStore(ingress.strings.sync(), ingress.keys, Duration.ofMinutes(5), Clock.systemUTC());
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
    void aPoisonCallIsDeadLetteredAfterMaxDeliveriesAndOtherCallsAreUnaffected() throws Exception {
        Map<String, Double> before = recoveryMeters();
        Call poison = ingress.ping("poison-session", POISON_SLEEP_MS);
        List<Call> others = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            others.add(ingress.ping(i % 2 == 0 ? "poison-session" : "other-" + i, 5));
        }
        for (Call call : others) {
            assertThat(call.answer().get(60, TimeUnit.SECONDS).kind()).isEqualTo(ReplyKind.RESULT);
        }
        ToolReply answer = poison.answer().get(60, TimeUnit.SECONDS);
        assertThat(answer.kind()).isEqualTo(ReplyKind.ERROR);
        assertThat(answer.errorCode()).isEqualTo(ErrorCode.DEAD_LETTERED.name());
        assertThat(answer.errorMessage()).contains("dead-letter").contains("analyzer process ended mid-call");

        List<StreamMessage<String, String>> dead = ingress.strings.sync().xrange(ingress.keys.deadLetters("fast"),
                Range.create("-", "+"));
        assertThat(dead).hasSize(1);
        Map<String, String> body = dead.get(0).getBody();
        assertThat(body.get("deliveries")).isEqualTo(Integer.toString(MAX_DELIVERIES + 1));
        assertThat(body.get("reason")).contains("limit " + MAX_DELIVERIES).contains("ended mid-call");

        ExecutionRecord record = executions.find("poison-session", poison.requestId()).orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.DEAD_LETTERED);
        ingress.awaitNothingPending();

        // the worker's meters saw it: each delivery after the first came through a reclaim, the last went to the DLQ
        Map<String, Double> after = recoveryMeters();
        assertThat(after.get("mcpca.worker.dead.lettered") - before.get("mcpca.worker.dead.lettered")).isEqualTo(1);
        assertThat(after.get("mcpca.worker.reclaimed") - before.get("mcpca.worker.reclaimed"))
                .isGreaterThanOrEqualTo(MAX_DELIVERIES);
        assertThat(after.get("mcpca.worker.redelivered") - before.get("mcpca.worker.redelivered"))
                .isGreaterThanOrEqualTo(MAX_DELIVERIES - 1);
        assertThat(after.get("mcpca.analyzer.crashes") - before.get("mcpca.analyzer.crashes"))
                .isGreaterThanOrEqualTo(MAX_DELIVERIES);
        assertThat(after.get("mcpca.analyzer.restarts") - before.get("mcpca.analyzer.restarts"))
                .isGreaterThanOrEqualTo(MAX_DELIVERIES);
    }

    /** The worker's recovery counters of the fast pool, by meter name. */
    private static Map<String, Double> recoveryMeters() {
        MeterRegistry registry = worker.getBean(MeterRegistry.class);
        Map<String, Double> counts = new java.util.HashMap<>();
        for (String name : List.of("mcpca.worker.dead.lettered", "mcpca.worker.reclaimed", "mcpca.worker.redelivered",
                "mcpca.analyzer.crashes", "mcpca.analyzer.restarts")) {
            counts.put(name, registry.get(name).tag("pool", "fast").counter().count());
        }
        return counts;
    }

    @Test
    void aCallLongerThanMinIdleIsNotRedeliveredWhileItsWorkerLives() throws Exception {
        Call longCall = ingress.ping("long-session", (int) MIN_IDLE.toMillis() * 4);
        ToolReply answer;
        long maxDeliveries = 0;
        while (true) {
            maxDeliveries = Math.max(maxDeliveries, deliveriesOf(longCall.requestId()));
            if (longCall.answer().isDone()) {
                answer = longCall.answer().get();
                break;
            }
            Thread.sleep(100);
        }
        assertThat(answer.kind()).isEqualTo(ReplyKind.RESULT);
        assertThat(maxDeliveries).as("deliveries of the long call").isLessThanOrEqualTo(1);
        assertThat(ingress.finalReplies().get(longCall.requestId())).hasSize(1);
        ExecutionRecord record = executions.find("long-session", longCall.requestId()).orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(record.attempt()).isEqualTo(1);
    }

    @Test
    void callsKeepFlowingAfterTheRequestStreamsAreDeletedUnderTheWorker() throws Exception {
        assertThat(ingress.ping("before-delete", 0).answer().get(30, TimeUnit.SECONDS).kind())
                .isEqualTo(ReplyKind.RESULT);
        for (int n = 0; n < 4; n++) {
            ingress.strings.sync().del(ingress.keys.requestStream("fast", n));
        }
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(ingress.ping("after-delete-" + i, 0));
        }
        for (Call call : calls) {
            assertThat(call.answer().get(30, TimeUnit.SECONDS).kind()).isEqualTo(ReplyKind.RESULT);
        }
    }

    @Test
    void aFinishedCallWhoseReplyWasLostIsAnsweredAgainFromItsRecordNotRunAgain() throws Exception {
        // the reply key is not a stream: the worker's reply XADD fails after the call finished (session written,
        // record SUCCEEDED with the reply kept), so the entry is not acknowledged and stays pending
        String replyTo = ingress.keys.replyStream("lost-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        ingress.strings.sync().set(replyTo, "not a stream");
        String requestId = java.util.UUID.randomUUID().toString();
        ingress.submitter.submit("fast", new io.mcpca.shared.wire.ToolRequest(io.mcpca.shared.wire.ToolRequest.VERSION,
                requestId, "lost-session", "ping", Map.of(), replyTo, System.currentTimeMillis() + 120_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> executions.find("lost-session", requestId)
                .map(r -> r.state() == ExecutionState.SUCCEEDED).orElse(false));
        assertThat(deliveriesOf(requestId)).as("pending: its reply did not go out").isPositive();

        // the reply stream comes back; the reclaim redelivers the entry, which answers from the record
        ingress.strings.sync().del(replyTo);
        ingress.strings.sync().xadd(replyTo, Map.of("opened", "1"));
        List<ToolReply> finals = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            finals.clear();
            for (StreamMessage<byte[], byte[]> m : ingress.commands.sync().xrange(
                    replyTo.getBytes(java.nio.charset.StandardCharsets.UTF_8), Range.create("-", "+"))) {
                if (m.getBody().size() > 1) { // not the opening entry
                    ToolReply reply = ingress.entries.decodeReply(m.getBody());
                    if (reply.kind().isFinal()) {
                        finals.add(reply);
                    }
                }
            }
            return !finals.isEmpty();
        });
        assertThat(finals).hasSize(1);
        assertThat(finals.get(0).kind()).isEqualTo(ReplyKind.RESULT);
        assertThat(finals.get(0).requestId()).isEqualTo(requestId);
        ExecutionRecord record = executions.find("lost-session", requestId).orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(record.attempt()).as("ran once").isEqualTo(1);
        assertThat(ingress.strings.sync().hget(ingress.keys.session("lost-session"), "_version"))
                .as("the session was written once").isEqualTo("1");
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveriesOf(requestId) == 0
                && !ingress.strings.sync().hexists(ingress.keys.execution("lost-session", requestId), "reply"));
    }

    /** The delivery count of the request's entry while it is pending, 0 when it is not. */
    private static long deliveriesOf(String requestId) {
        long max = 0;
        for (int n = 0; n < 4; n++) {
            String stream = ingress.keys.requestStream("fast", n);
            try {
                for (var pending : ingress.strings.sync().xpending(stream, "fast", Range.create("-", "+"),
                        io.lettuce.core.Limit.from(100))) {
                    max = Math.max(max, pending.getRedeliveryCount());
                }
            } catch (RuntimeException noStreamYet) {
                // not created yet
            }
        }
        return max;
    }
}
