package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.testing.RedisNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The documented ACL users (compose/redis/users.acl, loaded as the file says) against a real redis-server: an ingress
 * as {@code mcpca-ingress} and a worker as {@code mcpca-worker} answer calls that run every kind of work (a sessionless
 * and a session-locked call, a session, an insight, a batch of two items), and Redis logs no refused command
 * ({@code ACL LOG}: also the commands of their Lua scripts). A worker user missing one right stops the worker's start
 * with a message naming it.
 */
class RedisAclIT {

    private static final String ADMIN_PASSWORD = "admin-secret";

    @TempDir
    static Path dir;
    private static RedisNode redis;
    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> admin;

    @BeforeAll
    static void start() throws Exception {
        // the users file as shipped, with this test's passwords, and an admin default user for the test's checks
        String users = Files.readString(Path.of("../compose/redis/users.acl"))
                .replace(">change-me-ingress", ">ingress-secret").replace(">change-me-worker", ">worker-secret");
        Path acl = dir.resolve("users.acl");
        Files.writeString(acl, users + "user default on >" + ADMIN_PASSWORD + " ~* &* +@all\n");
        redis = RedisNode.server(dir, "redis", List.of("aclfile " + acl));
        adminClient = RedisClient.create("redis://default:" + ADMIN_PASSWORD + "@" + redis.address());
        admin = adminClient.connect();
    }

    @AfterAll
    static void stop() {
        admin.close();
        adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        redis.close();
    }

    private static String uri(String user, String password) {
        return "redis://" + user + ":" + password + "@" + redis.address();
    }

    private static ConfigurableApplicationContext worker(Path root) {
        return McpcaApplication.start("--mcpca.redis-url=" + uri("mcpca-worker", "worker-secret"),
                "--mcpca.prefix=mcpca", "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false",
                "--mcpca.ingress.enabled=false", "--mcpca.worker.management-port=0", "--mcpca.worker.concurrency=2");
    }

    @Test
    void anIngressAndAWorkerRunAsTheDocumentedUsersAndRedisRefusesNothing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.py"), "def a(x):\n    return x\n");
        admin.sync().aclLogReset();
        try (ConfigurableApplicationContext worker = worker(root);
             PipelineHarness ingress = new PipelineHarness(uri("mcpca-ingress", "ingress-secret"), "mcpca", root,
                     List.of(), List.of(), false)) {
            everyKindOfWork(ingress.client());
        }
        assertThat(admin.sync().aclLog()).as("commands Redis refused the two users").isEmpty();
    }

    /**
     * A sessionless call, a session-locked call, a session, an insight and a two-item batch through {@code client},
     * each answered without error (the file {@code a.py} is in the root).
     */
    static void everyKindOfWork(McpSyncClient client) {
        ok(client.callTool(new CallToolRequest("ping", Map.of())));
        ok(client.callTool(new CallToolRequest("calculate-metrics", Map.of("path", "a.py"))));
        ok(client.callTool(new CallToolRequest("create-session", Map.of("name", "acl"))));
        ok(client.callTool(new CallToolRequest("store-codebase-insight",
                Map.of("repository", ".", "text", "an insight"))));
        CallToolResult batch = ok(client.callTool(new CallToolRequest("submit-batch", Map.of("items", List.of(
                Map.of("tool", "ping"), Map.of("tool", "calculate-metrics", "arguments", Map.of("path", "a.py")))))));
        String batchId = String.valueOf(((Map<?, ?>) batch.structuredContent()).get("batchId"));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            CallToolResult status = ok(client.callTool(new CallToolRequest("batch-status",
                    Map.of("batchId", batchId))));
            return "COMPLETED".equals(String.valueOf(((Map<?, ?>) status.structuredContent()).get("state")));
        });
    }

    @Test
    void aWorkerUserWithoutOneRightStopsTheStartNamingIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root2"));
        admin.sync().aclSetuser("mcpca-worker", io.lettuce.core.AclSetuserArgs.Builder.removeCommand(
                io.lettuce.core.protocol.CommandType.XAUTOCLAIM));
        try {
            Throwable failure = catchThrowable(() -> worker(root).close());
            assertThat(failure).hasStackTraceContaining("the Redis user of this worker may not run XAUTOCLAIM on keys "
                    + "mcpca:* and channels mcpca:* (NOPERM); grant them (compose/redis/users.acl lists what each role "
                    + "needs)");
        } finally {
            admin.sync().aclSetuser("mcpca-worker", io.lettuce.core.AclSetuserArgs.Builder.addCommand(
                    io.lettuce.core.protocol.CommandType.XAUTOCLAIM));
        }
    }

    private static CallToolResult ok(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        return result;
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
    }
}
