package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result crosses every process as the bytes the analyzer wrote (ARCHITECTURE step 5): the real analyzer,
 * behind a script that also copies its output to a file, answers through a worker, Redis and the ingress to a
 * real MCP client, whose text content is those bytes exactly. Names with quotes, braces, non-ASCII text and a
 * control character make any re-serialization show (Jackson escapes a control character in upper-case hex,
 * serde_json in lower-case).
 */
class ResultBytesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path tmp;

    @Test
    void theMcpTextContentIsTheAnalyzersResultByteForByte() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        String name = "d\u00e9j\u00e0 \"{vu}\".py";
        // the signature holds an ESC: the analyzer writes it as \u001b, a Jackson writer would as \u001B
        Files.writeString(root.resolve(name),
                "# \u00e9t\u00e9 \u2603\ndef caf\u00e9(a=\"\u001b[0m}{\\\"\"):\n    return 1.50\n",
                StandardCharsets.UTF_8);
        Path written = tmp.resolve("analyzer-out.jsonl");
        Path wrapper = tmp.resolve("recording-analyzer.sh");
        Files.writeString(wrapper, "#!/bin/bash\n"
                + "# the real analyzer, its output also appended to a file\n"
                + "\"" + System.getProperty("mcpca.analyzer.path") + "\" \"$@\" | tee -a \"" + written + "\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PipelineHarness harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root,
                "--mcpca.worker.analyzer-path=" + wrapper, "--mcpca.cache.enabled=false")) {
            CallToolResult result = harness.client().callTool(new CallToolRequest("symbols", Map.of("path", name)));
            assertThat(result.isError()).as(String.valueOf(result.content())).isFalse();
            String text = PipelineIT.text(result);

            byte[] answered = text.getBytes(StandardCharsets.UTF_8);
            assertThat(resultValues(Files.readAllBytes(written))).anySatisfy(value ->
                    assertThat(answered).isEqualTo(value));
            Map<String, Object> structured = PipelineIT.structured(result);
            assertThat(PipelineIT.asList(structured.get("files")).get(0)).containsEntry("path", name);
            assertThat(text).contains("caf\u00e9").contains("\\u001b[0m}{");
        }
    }

    /** The {@code result} value of each result line, as the bytes written (found with a streaming parser). */
    private static List<byte[]> resultValues(byte[] output) throws IOException {
        List<byte[]> values = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= output.length; i++) {
            if (i == output.length || output[i] == '\n') {
                byte[] line = Arrays.copyOfRange(output, start, i);
                start = i + 1;
                try (JsonParser p = new JsonFactory().createParser(line)) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        continue;
                    }
                    String type = "";
                    byte[] value = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        int from = (int) p.currentTokenLocation().getByteOffset();
                        if (field.equals("type")) {
                            type = p.getText();
                        }
                        p.skipChildren();
                        if (field.equals("result")) {
                            value = Arrays.copyOfRange(line, from, (int) p.currentLocation().getByteOffset());
                        }
                    }
                    if (type.equals("result") && value != null) {
                        values.add(value);
                    }
                }
            }
        }
        return values;
    }
}
