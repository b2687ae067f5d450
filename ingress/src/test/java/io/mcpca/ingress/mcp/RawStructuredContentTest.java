package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawStructuredContentTest {

    /** Serde's spelling (lower-case hex escape, a number with a trailing zero): any re-serialization changes it. */
    private static final String RESULT = "{\"path\":\"a/\\\"b\\\".py\",\"sig\":\"f(\\u001b)\",\"mi\":1.50,\"n\":[1,{}]}";

    private final McpJsonMapper json = McpJsonDefaults.getMapper();

    @Test
    void theAnswerCarriesTheResultTextAsItIs() throws Exception {
        CallToolResult result = CallToolResult.builder().structuredContent(new RawStructuredContent(RESULT))
                .addTextContent(RESULT).isError(false).build();
        String written = json.writeValueAsString(result);
        assertThat(written).contains("\"structuredContent\":" + RESULT);
        // what a client reads back is the same value
        CallToolResult read = json.readValue(written, CallToolResult.class);
        assertThat(read.structuredContent()).isEqualTo(json.readValue(RESULT, Map.class));
    }

    @Test
    void theSdksOutputSchemaCheckSeesTheParsedValue() {
        Map<String, Object> schema = Map.of("type", "object", "required", java.util.List.of("path", "mi"),
                "properties", Map.of("path", Map.of("type", "string"), "mi", Map.of("type", "number")));
        var validator = new DefaultJsonSchemaValidator();
        assertThat(validator.validate(schema, new RawStructuredContent(RESULT)).valid()).isTrue();
        assertThat(validator.validate(schema, new RawStructuredContent("{\"path\":1}")).valid()).isFalse();
    }
}
