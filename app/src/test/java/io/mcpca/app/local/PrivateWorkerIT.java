package io.mcpca.app.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.config.WorkerProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local fallback's worker on its own: calls go through the private redis-server to the workers' code (the
 * session hash finishCall writes is there), a cancel published there kills the running analyzer, and closing
 * it stops the redis-server. Ping takes the session path (fast path off) so the lease and fence are in play.
 */
class PrivateWorkerIT {

    @TempDir
    static Path root;

    static final Keys KEYS = Keys.withDefaultPrefix();
    static PrivateWorkerCalls calls;

    @BeforeAll
    static void start() {
        WorkerProperties worker = new WorkerProperties();
        worker.setPools(List.of("fast"));
        worker.setConcurrency(2);
        worker.setSessionlessFastPath(false);
        worker.setShutdownGrace(Duration.ofSeconds(2));
        McpcaProperties common = new McpcaProperties();
        StreamEntries entries = new StreamEntries(JacksonCodec.named(common.getCodec()));
        ToolCatalog catalog = ToolCatalog.builtIn();
        PrivateWorker local = PrivateWorker.start(RedisServerProcess.start(), worker, common, KEYS, entries, catalog,
                new PathGuard(List.of(root)), Clock.systemUTC());
        calls = new PrivateWorkerCalls(local, KEYS, entries, catalog, common.getPartitions(),
                common.getRequestStreamMaxLen(), Duration.ofMinutes(1), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (calls != null) {
            calls.close();
        }
    }

    static ToolRequest ping(String sessionId, Map<String, Object> arguments) {
        String id = UUID.randomUUID().toString();
        return new ToolRequest(ToolRequest.VERSION, id, sessionId, "ping",
                arguments, "ignored", System.currentTimeMillis() + 60_000);
    }

    @Test
    void callsRunOnTheWorkersCodeThroughThePrivateRedis() {
        ToolReply first = calls.run(ping("s1", Map.of()), progress -> { });
        ToolReply second = calls.run(ping("s1", Map.of()), progress -> { });
        assertThat(first.kind()).isEqualTo(ReplyKind.RESULT);
        assertThat(second.kind()).isEqualTo(ReplyKind.RESULT);
        assertThat(second.workerId()).isEqualTo(calls.worker().runtime().workerId());
        RedisClient client = RedisClient.create(calls.worker().uri());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            assertThat(new SessionStore(redis.sync(), KEYS).getSession("s1").orElseThrow().version())
                    .as("the second call of the session sees version 2").isEqualTo(2);
            assertThat(new ExecutionStore(redis.sync(), KEYS, Duration.ofMinutes(1), Clock.systemUTC())
                    .find("s1", second.requestId()).orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aCancelReachesThePrivateWorkerAndEndsTheRunningCall() throws Exception {
        ToolRequest slow = ping("s2", Map.of("sleepMs", 30_000));
        CompletableFuture<ToolReply> reply = CompletableFuture.supplyAsync(() -> calls.run(slow, progress -> { }));
        RedisClient client = RedisClient.create(calls.worker().uri());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            ExecutionStore executions = new ExecutionStore(redis.sync(), KEYS, Duration.ofMinutes(1), Clock.systemUTC());
            await().atMost(Duration.ofSeconds(10)).until(() -> executions.find("s2", slow.requestId())
                    .filter(r -> r.state() == ExecutionState.RUNNING).isPresent());
        } finally {
            client.shutdown();
        }
        Thread.sleep(300); // the analyzer has the call by now: the cancel must kill it, not pre-empt it
        calls.cancel(slow.requestId());
        ToolReply answer = reply.get(10, TimeUnit.SECONDS);
        assertThat(answer.errorCode()).isEqualTo(ErrorCode.CANCELLED.name());
    }

    @Test
    void closingStopsThePrivateRedisServer() throws Exception {
        WorkerProperties worker = new WorkerProperties();
        worker.setPools(List.of("fast"));
        worker.setConcurrency(1);
        worker.setShutdownGrace(Duration.ofSeconds(1));
        McpcaProperties common = new McpcaProperties();
        RedisServerProcess server = RedisServerProcess.start();
        PrivateWorker local = PrivateWorker.start(server, worker, common, KEYS,
                new StreamEntries(JacksonCodec.named(common.getCodec())), ToolCatalog.builtIn(),
                new PathGuard(List.of(root)), Clock.systemUTC());
        assertThat(answers(server.port())).isTrue();
        local.close();
        assertThat(server.isAlive()).isFalse();
        assertThat(answers(server.port())).isFalse();
    }

    private static boolean answers(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
