package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest.CompleteArgument;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code completion/complete} of tool arguments through the SDK client: paths under the roots (and never
 * beyond), enum values. The server declared no completions capability (issue 13).
 */
class CompletionIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Fixtures.copyTo(root);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("Secret.java"), "class Secret {}\n");
        Files.createSymbolicLink(root.resolve("jailbreak"), outside);
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root);
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static List<String> complete(String tool, String argument, String typed) {
        CompleteResult result = client.completeCompletion(new CompleteRequest(new PromptReference(tool),
                new CompleteArgument(argument, typed)));
        return result.completion().values();
    }

    @Test
    void theServerDeclaresCompletionsAndAPromptPerTool() {
        assertThat(client.getServerCapabilities().completions()).isNotNull();
        assertThat(client.listPrompts().prompts()).extracting(Prompt::name)
                .contains("analyze-metrics", "calculate-metrics", "ping");
    }

    @Test
    void aPathCompletesToNamesUnderTheRoots() {
        assertThat(complete("analyze-metrics", "path", "ja")).containsExactly("java/", "javascript/");
        assertThat(complete("analyze-metrics", "path", "java/Br"))
                .containsExactly("java/Branches.java", "java/Branches.java.expected.json");
        assertThat(complete("calculate-metrics", "path", "python/")).isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith("python/"));
    }

    @Test
    void aPathNeverCompletesBeyondTheRoots() {
        assertThat(complete("analyze-metrics", "path", "../")).isEmpty();
        assertThat(complete("analyze-metrics", "path", "/")).isEmpty();
        assertThat(complete("analyze-metrics", "path", "jail")).isEmpty();
        assertThat(complete("analyze-metrics", "path", "jailbreak/")).isEmpty();
    }

    @Test
    void anEnumCompletesToItsValues() {
        assertThat(complete("analyze-metrics", "detail", "f")).containsExactly("functions", "files");
        assertThat(complete("ping", "via", "")).containsExactly("analyzer", "worker");
        assertThat(complete("calculate-metrics", "language", "j")).containsExactly("java", "javascript");
        assertThat(complete("calculate-metrics", "name", "x")).isEmpty();
    }
}
