package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session tools through the real pipeline (issue 18): a named session made on one connection is found again and
 * used from another by its owner (calls name it in {@code _meta.sessionId}); its history and counts are what the
 * worker wrote as each call finished; another principal gets NOT_FOUND for all of it; list and clear.
 */
class SessionToolsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;
    static PipelineHarness harness;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("a.py"), "def f(x):\n    if x:\n        return 1\n    return 2\n");
        Files.write(root.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 1});
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root,
                "--mcpca.ingress.tokens.alice=alice-secret", "--mcpca.ingress.tokens.bob=bob-secret");
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aNamedSessionIsReusedFromAnotherConnectionWithItsHistory() {
        McpSyncClient first = harness.client(Optional.of("alice-secret"));
        Map<String, Object> made = structured(call(first, "create-session", Map.of("name", "refactor-cache")));
        String session = (String) made.get("sessionId");
        assertThat(made).containsEntry("created", true).containsEntry("name", "refactor-cache")
                .containsEntry("version", 0).containsEntry("state", "IDLE");

        CallToolResult measured = call(first, "calculate-metrics", Map.of("path", "a.py"), session);
        assertThat(structured(measured)).containsEntry("path", "a.py");
        CallToolResult failed = call(first, "calculate-metrics", Map.of("path", "image.png"), session);
        assertThat(failed.isError()).as(text(failed)).isTrue();
        String failedCode = (String) failed.meta().get("errorCode");

        McpSyncClient second = harness.client(Optional.of("alice-secret"));
        Map<String, Object> again = structured(call(second, "create-session", Map.of("name", "refactor-cache")));
        assertThat(again).containsEntry("sessionId", session).containsEntry("created", false);
        assertThat(structured(call(second, "calculate-metrics", Map.of("path", "a.py"), session)))
                .containsEntry("path", "a.py");

        Map<String, Object> info = structured(call(second, "get-session-info", Map.of("sessionId", session)));
        assertThat(info).containsEntry("version", 3).containsEntry("state", "IDLE")
                .containsEntry("name", "refactor-cache");
        assertThat(asMap(info.get("calls"))).isEqualTo(Map.of("SUCCEEDED", 2, "FAILED", 1));
        assertThat(((Number) info.get("ttlSeconds")).longValue()).isBetween(23L * 3600, 24L * 3600);

        Map<String, Object> history = structured(call(second, "get-session-history", Map.of("sessionId", session)));
        List<Map<String, Object>> calls = asList(history.get("calls"));
        assertThat(history).containsEntry("kept", 3);
        assertThat(calls).extracting(c -> c.get("sequence")).containsExactly(3, 2, 1);
        assertThat(calls).extracting(c -> c.get("tool")).containsOnly("calculate-metrics");
        assertThat(calls).extracting(c -> c.get("state")).containsExactly("SUCCEEDED", "FAILED", "SUCCEEDED");
        assertThat(calls.get(1)).containsEntry("errorCode", failedCode);
        assertThat(calls.get(0)).doesNotContainKey("errorCode");
        // the same arguments give the same digest, other arguments another; the arguments themselves are not kept
        assertThat(calls.get(0).get("argumentsDigest")).isEqualTo(calls.get(2).get("argumentsDigest"))
                .isNotEqualTo(calls.get(1).get("argumentsDigest"));
        assertThat((String) calls.get(0).get("argumentsDigest")).matches("[0-9a-f]{16}");
        assertThat(calls.toString()).doesNotContain("a.py");
        for (Map<String, Object> c : calls) {
            assertThat(Instant.parse((String) c.get("queuedAt"))).isBeforeOrEqualTo(Instant.parse((String) c.get("finishedAt")));
        }
        assertThat(asList(structured(call(second, "get-session-history", Map.of("sessionId", session, "limit", 1)))
                .get("calls"))).extracting(c -> c.get("sequence")).containsExactly(3);
    }

    @Test
    void anotherPrincipalGetsNotFoundForEverything() {
        McpSyncClient alice = harness.client(Optional.of("alice-secret"));
        McpSyncClient bob = harness.client(Optional.of("bob-secret"));
        String session = (String) structured(call(alice, "create-session", Map.of("name", "private"))).get("sessionId");

        assertError(call(bob, "get-session-info", Map.of("sessionId", session)), "NOT_FOUND");
        assertError(call(bob, "get-session-history", Map.of("sessionId", session)), "NOT_FOUND");
        assertError(call(bob, "clear-session", Map.of("sessionId", session)), "NOT_FOUND");
        assertError(call(bob, "calculate-metrics", Map.of("path", "a.py"), session), "NOT_FOUND");
        assertThat(asList(structured(call(bob, "list-sessions", Map.of())).get("sessions")))
                .extracting(s -> s.get("sessionId")).doesNotContain(session);
        // the same name is another session for another principal
        assertThat(structured(call(bob, "create-session", Map.of("name", "private"))).get("sessionId"))
                .isNotEqualTo(session);
        assertThat(structured(call(alice, "get-session-info", Map.of("sessionId", session))))
                .containsEntry("version", 0);
    }

    @Test
    void listShowsNamedAndConnectionSessionsAndClearDropsThem() {
        McpSyncClient carol = harness.client(Optional.of("alice-secret"));
        String named = (String) structured(call(carol, "create-session", Map.of("name", "to-clear", "ttlSeconds", 120)))
                .get("sessionId");
        Map<String, Object> info = structured(call(carol, "get-session-info", Map.of("sessionId", named)));
        assertThat(((Number) info.get("ttlSeconds")).longValue()).isBetween(100L, 120L);
        // a session-locked call without _meta runs in the connection's own session, which becomes alice's
        assertThat(structured(call(carol, "calculate-metrics", Map.of("path", "a.py")))).containsEntry("path", "a.py");

        List<Object> listed = asList(structured(call(carol, "list-sessions", Map.of("limit", 1000))).get("sessions"))
                .stream().map(s -> s.get("sessionId")).toList();
        assertThat(listed).contains(named);
        String connection = listed.stream().map(String::valueOf)
                .filter(id -> !id.startsWith("n-") && !id.startsWith("s-")).findFirst().orElseThrow();
        assertThat(structured(call(carol, "get-session-info", Map.of("sessionId", connection))))
                .containsEntry("version", 1);

        assertThat(structured(call(carol, "clear-session", Map.of("sessionId", named)))).containsEntry("cleared", true);
        assertError(call(carol, "get-session-info", Map.of("sessionId", named)), "NOT_FOUND");
        assertThat(asList(structured(call(carol, "list-sessions", Map.of("limit", 1000))).get("sessions")))
                .extracting(s -> s.get("sessionId")).doesNotContain(named);
        assertError(call(carol, "calculate-metrics", Map.of("path", "a.py"), named), "NOT_FOUND");
        assertError(call(carol, "list-sessions", Map.of("cursor", "x1")), "BAD_ARGUMENTS");
        assertError(call(carol, "get-session-info", Map.of("sessionId", "{bad id}")), "NOT_FOUND");
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments, String session) {
        return client.callTool(new CallToolRequest(tool, arguments, Map.of("sessionId", session)));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(result.meta()).containsEntry("errorCode", code);
    }
}
