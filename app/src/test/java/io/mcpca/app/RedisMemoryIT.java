package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.ingress.config.IngressConfiguration.IngressRuntime;
import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trimming under steady load: 20,000 no-op calls through the whole pipeline, and Redis's
 * {@code used_memory} after warm-up stays within a generous bound (streams are capped with MAXLEN ~,
 * replies are read and trimmed, results and records expire). Prints the numbers; asserts no timing.
 */
class RedisMemoryIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static final int CALLS = 20_000;
    /** Past the stream caps (2,000 per partition): from here on every stream is trimmed as it grows. */
    static final int WARM_UP = 8_000;
    static final int CHUNK = 4_000;
    static final int IN_FLIGHT = 64;
    static final int SESSIONS = 64;
    /** Generous: 12,000 calls that each left 500 B behind would pass 6 MB; a flat Redis wobbles by 1-2 MB. */
    static final long BOUND_BYTES = 4L * 1024 * 1024;

    static PipelineHarness harness;
    static RedisClusterCommands<String, String> redis;

    @BeforeAll
    static void start() throws IOException {
        harness = PipelineHarness.fastPoolOnly(REDIS.uri(), REDIS.newPrefix(), Files.createDirectories(tmp.resolve("root")),
                // short lifetimes, so that "flat" shows within a test run: streams capped at 2,000 entries,
                // execution records kept 2 s (the default hour would hold ~3.6 million records at 1k calls/s)
                List.of("--mcpca.worker.concurrency=4", "--mcpca.request-stream-max-len=2000",
                        "--mcpca.reply-stream-max-len=2000", "--mcpca.worker.execution-ttl=2s"),
                List.of("--mcpca.ingress.rate-limit-per-second=0", "--mcpca.request-stream-max-len=2000",
                        "--mcpca.reply-stream-max-len=2000"),
                true);
        redis = REDIS.sync();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void redisMemoryStaysFlatUnderSteadyLoad() throws Exception {
        run(WARM_UP);
        List<Long> samples = new ArrayList<>(List.of(usedMemory()));
        long started = System.nanoTime();
        for (int done = WARM_UP; done < CALLS; done += CHUNK) {
            run(CHUNK);
            samples.add(usedMemory());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long growth = samples.get(samples.size() - 1) - samples.get(0);
        System.out.printf("RedisMemoryIT: used_memory every %d calls after %d warm-up calls: %s B (%+d B); "
                        + "%d keys; %.0f calls/s%n", CHUNK, WARM_UP, samples, growth, redis.dbsize(),
                (CALLS - WARM_UP) / seconds);
        System.out.println("RedisMemoryIT: keys by kind " + keysByKind() + "; stream lengths "
                + redis.keys("*:req:*").stream().map(redis::xlen).toList() + " / "
                + redis.keys("*:reply:*").stream().map(redis::xlen).toList());
        assertThat(growth).as("growth of used_memory after warm-up").isLessThan(BOUND_BYTES);
    }

    /**
     * Drives the ingress's Redis side directly (register, XADD, await the reply), {@value #IN_FLIGHT} calls
     * in flight over {@value #SESSIONS} sessions: the MCP HTTP layer adds nothing to what Redis holds.
     */
    private static void run(int calls) throws Exception {
        IngressRuntime ingress = harness.ingress().getBean(IngressRuntime.class);
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<ToolReply>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            window.acquire();
            String id = UUID.randomUUID().toString();
            PendingCall pending = ingress.router().register(id, progress -> { });
            pending.answer().whenComplete((reply, error) -> window.release());
            ToolRequest request = new ToolRequest(ToolRequest.VERSION, id, "load-" + (i % SESSIONS), "ping",
                    Map.of(), ingress.replyStream(), System.currentTimeMillis() + 60_000);
            ingress.submitter().submit("fast", request);
            answers.add(pending.answer());
        }
        for (CompletableFuture<ToolReply> answer : answers) {
            ToolReply reply = answer.get(60, TimeUnit.SECONDS);
            assertThat(reply.kind()).as(reply.errorMessage()).isEqualTo(ReplyKind.RESULT);
        }
    }

    /** Key counts by their second name segment (req, reply, exec, session, ...), from SCAN. */
    private static Map<String, Long> keysByKind() {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(cursor, io.lettuce.core.ScanArgs.Builder.limit(1000));
            for (String key : page.getKeys()) {
                String[] parts = key.split(":");
                kinds.merge(parts.length > 1 ? parts[1] : key, 1L, Long::sum);
            }
            cursor = page;
        } while (!cursor.isFinished());
        return kinds;
    }

    private static long usedMemory() {
        String info = redis.info("memory");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }
}
