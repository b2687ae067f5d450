package io.mcpca.app;

import static io.mcpca.app.PipelineIT.structured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceContents;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * MCP resources, resource templates, subscriptions, prompts and their completions through the real ingress and a
 * real worker (issue 18): every one answers from the tools, for the caller, with the numbers the tools give.
 */
class ResourcesPromptsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PY = "def f(x):\n    if x:\n        return 1\n    return 2\n";
    static final String JAVA = "class A {\n  int g(int x) {\n    if (x > 0 && x < 9) { return 1; }\n    return x > 5 ? 2 : 3;\n  }\n}\n";

    @TempDir
    static Path root;
    static String prefix;
    static PipelineHarness harness;
    static ConfigurableApplicationContext worker;
    static McpSyncClient client;
    static final List<ResourceContents> updates = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(root.resolve("src/batch"));
        Files.writeString(root.resolve("src/a.py"), PY);
        Files.writeString(root.resolve("src/A.java"), JAVA);
        for (int i = 0; i < 40; i++) {
            Files.writeString(root.resolve("src/batch/m" + i + ".py"), "x = " + i + "\n");
        }
        prefix = REDIS.newPrefix();
        // no worker at first: a batch waits until the test starts one, so its progress moves while subscribed
        harness = new PipelineHarness(REDIS.uri(), prefix, root, List.of(),
                List.of("--mcpca.ingress.tokens.alice=alice-secret", "--mcpca.ingress.tokens.bob=bob-secret"), false);
        HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer alice-secret");
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder(harness.url()).endpoint("/mcp")
                        .requestBuilder(request).build())
                .requestTimeout(Duration.ofSeconds(60)).resourcesUpdateConsumer(updates::addAll).build();
        client.initialize();
    }

    @AfterAll
    static void stop() {
        client.closeGracefully();
        harness.close();
        if (worker != null) {
            worker.close();
        }
    }

    static synchronized void ensureWorker() {
        if (worker == null) {
            worker = McpcaApplication.start("--mcpca.redis-url=" + REDIS.uri(), "--mcpca.prefix=" + prefix,
                    "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false", "--mcpca.ingress.enabled=false",
                    "--mcpca.worker.management-port=0", "--mcpca.worker.concurrency=2");
        }
    }

    @Test
    void aSubscribedBatchResourceAnnouncesItsProgressUntilItEnds() throws Exception {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            files.add("src/batch/m" + i + ".py");
        }
        String batchId = (String) structured(client.callTool(new CallToolRequest("submit-batch", Map.of("files", files))))
                .get("batchId");
        String uri = "analysis://batch/" + batchId;
        Map<String, Object> queued = read(uri);
        assertThat(queued).containsEntry("batchId", batchId).containsEntry("total", 40).containsEntry("done", 0);
        client.subscribeResource(new SubscribeRequest(uri));

        ensureWorker();
        await().atMost(Duration.ofSeconds(60)).until(() -> updates.stream().anyMatch(c -> c.uri().equals(uri)
                && ((TextResourceContents) c).text().contains("\"state\":\"COMPLETED\"")));
        assertThat(read(uri)).containsEntry("state", "COMPLETED").containsEntry("done", 40);

        McpSyncClient bob = harness.client(java.util.Optional.of("bob-secret"));
        assertThatThrownBy(() -> bob.readResource(new ReadResourceRequest(uri))).isInstanceOf(McpError.class);
    }

    @Test
    void resourcesAndTemplatesAreListedAndReadThroughTheTools() throws Exception {
        ensureWorker();
        assertThat(client.listResources().resources()).extracting(Resource::uri).containsExactly("analysis://summary/.");
        // the SDK lists templates in the order of its map, not of registration
        assertThat(client.listResourceTemplates().resourceTemplates()).extracting(ResourceTemplate::uriTemplate)
                .containsExactlyInAnyOrder("analysis://summary/{path}", "analysis://metrics/{path}", "analysis://batch/{batchId}",
                        "analysis://report/{path}");

        Map<String, Object> metrics = read("analysis://metrics/src/a.py");
        assertThat(metrics).containsEntry("path", "src/a.py");
        assertThat(PipelineIT.asMap(metrics.get("lines"))).containsEntry("code", 4).containsEntry("blank", 0);
        assertThat((List<?>) metrics.get("functions")).hasSize(1);

        Map<String, Object> summary = read("analysis://summary/src");
        assertThat(PipelineIT.asMap(summary.get("totals"))).containsEntry("files", 42);
        assertThat((List<?>) summary.get("files")).isEmpty();
        assertThat(PipelineIT.asList(summary.get("hotspots")).get(0)).containsEntry("name", "g")
                .containsEntry("cyclomatic", 4);
        assertThat(read("analysis://summary/src%2Fbatch").get("totals")).isEqualTo(
                read("analysis://summary/src/batch").get("totals"));

        for (String outside : List.of("analysis://metrics/../../etc/passwd", "analysis://metrics//etc/passwd",
                "analysis://summary/nope", "analysis://elsewhere/x", "analysis://batch/no-such-batch")) {
            assertThatThrownBy(() -> client.readResource(new ReadResourceRequest(outside))).as(outside)
                    .isInstanceOf(McpError.class);
        }
        assertThat(structured(client.callTool(new CallToolRequest("ping", Map.of())))).containsEntry("pong", true);
    }

    @Test
    void promptsAreFilledFromTheMeasuredNumbers() {
        ensureWorker();
        assertThat(client.listPrompts().prompts()).extracting(Prompt::name)
                .contains("review-code", "explain-hotspots", "plan-refactoring");

        String review = prompt("review-code", Map.of("code", JAVA, "language", "java", "focus", "readability"));
        assertThat(review).startsWith("Review this java code, focusing on readability.")
                .contains("- lines: 6 code, 0 comment, 0 blank")
                .contains("`g` (method, lines 2-5): cyclomatic 4, cognitive 3")
                .contains("```java\n" + JAVA + "```");

        String hotspots = prompt("explain-hotspots", Map.of("path", "src"));
        assertThat(hotspots).contains("42 files").contains("- `src/A.java` `g` (method, lines 2-5): cyclomatic 4, cognitive 3")
                .contains("- `src/a.py` `f` (function, lines 1-4): cyclomatic 2, cognitive 1");
        assertThat(hotspots.indexOf("`g`")).isLessThan(hotspots.indexOf("`f`"));

        String plan = prompt("plan-refactoring", Map.of("path", "src", "goal", "split the batch module"));
        assertThat(plan).startsWith("Plan a refactoring of `src` to split the batch module.")
                .contains("- `src/batch`: 40 files, 40 code lines, 0 functions");

        String oneFile = prompt("explain-hotspots", Map.of("path", "src/a.py"));
        assertThat(oneFile).contains("1 files, 4 code lines").contains("`f` (function, lines 1-4): cyclomatic 2");

        assertThatThrownBy(() -> prompt("review-code", Map.of("language", "java"))).isInstanceOf(McpError.class)
                .hasMessageContaining("code");
        assertThatThrownBy(() -> prompt("review-code", Map.of("code", "x", "language", "cobol")))
                .isInstanceOf(McpError.class);
        assertThatThrownBy(() -> prompt("explain-hotspots", Map.of("path", "/etc"))).isInstanceOf(McpError.class)
                .hasMessageContaining("PATH_OUTSIDE_ROOTS");
    }

    @Test
    void promptArgumentsComplete() {
        assertThat(complete("explain-hotspots", "path", "sr")).containsExactly("src/");
        assertThat(complete("plan-refactoring", "path", "src/a")).containsExactly("src/a.py");
        assertThat(complete("review-code", "language", "ja")).containsExactly("java", "javascript");
        assertThat(complete("explain-hotspots", "path", "../")).isEmpty();
    }

    private static Map<String, Object> read(String uri) throws Exception {
        List<ResourceContents> contents = client.readResource(new ReadResourceRequest(uri)).contents();
        assertThat(contents).hasSize(1);
        assertThat(contents.get(0).uri()).isEqualTo(uri);
        return JSON.readValue(((TextResourceContents) contents.get(0)).text(), Map.class);
    }

    private static String prompt(String name, Map<String, Object> arguments) {
        return ((TextContent) client.getPrompt(new GetPromptRequest(name, arguments)).messages().get(0).content()).text();
    }

    private static List<String> complete(String prompt, String argument, String typed) {
        return client.completeCompletion(new CompleteRequest(new PromptReference(prompt),
                new CompleteRequest.CompleteArgument(argument, typed))).completion().values();
    }
}
