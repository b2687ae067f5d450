package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.ingress.config.IngressConfiguration.IngressRuntime;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingress's flow control on a real pipeline: per-principal rate limits, the inline argument size
 * limit, backpressure on a pool's backlog, and the reply stream's expiry.
 */
class FlowControlIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static Keys keys;
    static RedisClusterCommands<String, String> redis;

    @BeforeAll
    static void start() throws IOException {
        String prefix = REDIS.newPrefix();
        keys = new Keys(prefix);
        // the worker serves only the fast pool: the heavy pool's backlog is ours to fill
        harness = PipelineHarness.fastPoolOnly(REDIS.uri(), prefix, Files.createDirectories(tmp.resolve("root")),
                List.of("--mcpca.worker.concurrency=2"),
                List.of("--mcpca.ingress.rate-limit-per-second=5", "--mcpca.ingress.max-inline-argument-bytes=1000",
                        "--mcpca.ingress.max-pool-backlog=5", "--mcpca.ingress.reply-stream-ttl=3s"), true);
        redis = REDIS.sync();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void callsOverThePrincipalsRateAreRefusedWithARetryHint() throws Exception {
        await().pollDelay(Duration.ofMillis(1100)).until(() -> true); // a fresh second of permits
        McpSyncClient client = harness.client();
        double refusedBefore = refusals("rate_limit");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<CallToolResult>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> client.callTool(new CallToolRequest("ping", Map.of()))));
            }
            int answered = 0;
            int refused = 0;
            for (Future<CallToolResult> call : calls) {
                CallToolResult result = call.get();
                if (!Boolean.TRUE.equals(result.isError())) {
                    answered++;
                    continue;
                }
                refused++;
                assertThat(PipelineIT.text(result)).contains("OVERLOADED").contains("retry after").contains("(retryable)");
                assertThat(result.meta()).containsEntry("errorCode", "OVERLOADED").containsKey("retryAfterMs");
            }
            assertThat(answered).as("5 permits a second, maybe 10 across a second boundary").isBetween(1, 10);
            assertThat(refused).isGreaterThanOrEqualTo(2);
            assertThat(refusals("rate_limit") - refusedBefore).as("the refusal meter").isEqualTo(refused);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inlineContentPastItsLimitIsABadArgument() {
        await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
        double refusedBefore = refusals("payload");
        CallToolResult result = harness.client().callTool(new CallToolRequest("calculate-metrics",
                Map.of("content", "x = 1\n".repeat(200), "language", "python")));
        assertThat(result.isError()).isTrue();
        assertThat(refusals("payload") - refusedBefore).as("the refusal meter").isEqualTo(1);
        assertThat(PipelineIT.text(result)).contains("BAD_ARGUMENTS").contains("'content'").contains("1000 bytes")
                .contains("(not retryable)");
    }

    @Test
    void aPoolPastItsBacklogLimitRefusesNewCalls() {
        await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
        // six calls of the heavy pool that nobody consumes: lag 6 > limit 5
        String stream = keys.requestStream("heavy", 0);
        redis.xgroupCreate(StreamOffset.from(stream, "0"), "heavy", XGroupCreateArgs.Builder.mkstream());
        for (int i = 0; i < 6; i++) {
            redis.xadd(stream, Map.of("c", "json", "d", "{}"));
        }
        await().pollDelay(Duration.ofMillis(150)).until(() -> true); // past the 100 ms backlog cache
        double refusedBefore = refusals("backpressure");
        CallToolResult result = harness.client().callTool(new CallToolRequest("analyze-metrics", Map.of("path", ".")));
        assertThat(result.isError()).isTrue();
        assertThat(PipelineIT.text(result)).contains("OVERLOADED").contains("pool 'heavy'").contains("(retryable)");
        assertThat(redis.xlen(stream)).as("nothing was appended").isEqualTo(6);
        assertThat(refusals("backpressure") - refusedBefore).as("the refusal meter").isEqualTo(1);

        // the fast pool is not affected
        assertThat(PipelineIT.structured(harness.client().callTool(new CallToolRequest("ping", Map.of()))))
                .containsEntry("pong", true);
    }

    @Test
    void theReplyStreamCarriesAnExpiryThatTheLiveIngressKeepsRefreshing() {
        String replyStream = harness.ingress().getBean(IngressRuntime.class).replyStream();
        await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
        PipelineIT.structured(harness.client().callTool(new CallToolRequest("ping", Map.of())));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.pttl(replyStream) > 0);
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true); // longer than the TTL: refreshed, not expired
        assertThat(redis.exists(replyStream)).isEqualTo(1);
        assertThat(redis.pttl(replyStream)).isBetween(1L, 3000L);
    }

    /** {@code mcpca.ingress.submit.refused{reason}} of the ingress so far. */
    private static double refusals(String reason) {
        return harness.ingress().getBean(MeterRegistry.class).get("mcpca.ingress.submit.refused")
                .tag("reason", reason).counter().count();
    }
}
