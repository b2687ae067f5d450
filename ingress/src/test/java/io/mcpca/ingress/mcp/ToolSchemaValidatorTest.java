package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our validator answers exactly as the SDK's own (the same verdict and message), whether the content is a raw answer
 * (checked from its text) or a map, and a schema map keeps one compiled schema however often it is used.
 */
class ToolSchemaValidatorTest {

    private static final Map<String, Object> SCHEMA = Map.of(
            "type", "object",
            "properties", Map.of("pid", Map.of("type", "integer"), "via", Map.of("type", "string", "enum",
                    List.of("analyzer", "worker"))),
            "required", List.of("pid", "via"),
            "additionalProperties", false);

    private final ToolSchemaValidator ours = new ToolSchemaValidator();
    private final DefaultJsonSchemaValidator sdk = new DefaultJsonSchemaValidator();

    @Test
    void aRawAnswerIsJudgedAsTheSdkJudgesTheSameJsonAsAMap() {
        for (String json : List.of("{\"pid\":42,\"via\":\"analyzer\"}", "{\"pid\":\"x\",\"via\":\"analyzer\"}",
                "{\"pid\":1}", "{\"pid\":1,\"via\":\"worker\",\"extra\":true}", "[1,2]")) {
            ValidationResponse raw = ours.validate(SCHEMA, new RawStructuredContent(json));
            ValidationResponse reference = sdk.validate(SCHEMA, parsed(json));
            assertThat(raw.valid()).as(json).isEqualTo(reference.valid());
            assertThat(raw.errorMessage()).as(json).isEqualTo(reference.errorMessage());
        }
        assertThat(ours.validate(SCHEMA, new RawStructuredContent("{\"pid\":42,\"via\":\"analyzer\"}")).valid())
                .isTrue();
        assertThat(ours.validate(SCHEMA, new RawStructuredContent("{\"pid\":1}")).valid()).isFalse();
    }

    @Test
    void argumentsAsAMapAreJudgedAsTheSdkJudgesThem() {
        Map<String, Object> good = Map.of("pid", 7, "via", "worker");
        Map<String, Object> bad = Map.of("pid", 7, "via", "elsewhere");
        assertThat(ours.validate(SCHEMA, good).valid()).isTrue();
        assertThat(ours.validate(SCHEMA, bad).valid()).isFalse();
        assertThat(ours.validate(SCHEMA, bad).errorMessage()).isEqualTo(sdk.validate(SCHEMA, bad).errorMessage());
    }

    @Test
    void oneSchemaMapIsCompiledOnceAndAnEqualCopyFindsTheSameSchema() {
        for (int i = 0; i < 100; i++) {
            ours.validate(SCHEMA, Map.of("pid", i, "via", "worker"));
        }
        assertThat(ours.getCacheSize()).isEqualTo(1);
        // an equal map made elsewhere: the SDK's own key (its hash) finds the same compiled schema
        ours.validate(Map.copyOf(SCHEMA), Map.of("pid", 1, "via", "worker"));
        assertThat(ours.getCacheSize()).isEqualTo(1);
    }

    private static Object parsed(String json) {
        return JsonMapper.shared().readValue(json, new TypeReference<Object>() { });
    }
}
