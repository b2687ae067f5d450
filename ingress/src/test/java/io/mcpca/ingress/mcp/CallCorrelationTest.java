package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallCorrelationTest {

    private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static CallToolRequest withMeta(Object id) {
        Map<String, Object> meta = new HashMap<>();
        meta.put(CallCorrelation.META_KEY, id);
        return CallToolRequest.builder().name("ping").arguments(Map.of()).meta(meta).build();
    }

    @Test
    void aUsableClientIdIsKept() {
        for (String id : new String[] {"abc", "4bf92f3577b34da6a3ce929d0e0e4736", "ticket-42.a:b_c",
                "x".repeat(CallCorrelation.MAX_LENGTH), "0a1b2c3d-0000-4000-8000-000000000000"}) {
            assertThat(CallCorrelation.of(withMeta(id))).isEqualTo(id);
        }
    }

    @Test
    void anUnusableClientIdIsReplacedByANewOne() {
        for (Object id : new Object[] {"", "a b", "line\nbreak", "quote\"", "{\"json\":1}", "tab\t", "slash/",
                "x".repeat(CallCorrelation.MAX_LENGTH + 1), "\u00e9t\u00e9", "%0d%0a", 42, Map.of("id", "a"), null}) {
            String chosen = CallCorrelation.of(withMeta(id));
            assertThat(chosen).as(String.valueOf(id)).matches(UUID_SHAPE).isNotEqualTo(id);
        }
    }

    @Test
    void noMetaOrNoKeyMakesAFreshIdPerCall() {
        CallToolRequest bare = new CallToolRequest("ping", Map.of());
        CallToolRequest otherKey = CallToolRequest.builder().name("ping").arguments(Map.of())
                .meta(Map.of("progressToken", 7)).build();
        String first = CallCorrelation.of(bare);
        assertThat(first).matches(UUID_SHAPE);
        assertThat(CallCorrelation.of(bare)).isNotEqualTo(first);
        assertThat(CallCorrelation.of(otherKey)).matches(UUID_SHAPE);
    }

    @Test
    void theAnswerKeepsItsMetaAndGainsTheId() {
        CallToolResult error = ToolCallHandler.error(io.mcpca.shared.wire.ErrorCode.OVERLOADED, "busy");
        CallToolResult tagged = CallCorrelation.tagged(error, "c-1");
        assertThat(tagged.meta()).containsEntry("correlationId", "c-1").containsEntry("errorCode", "OVERLOADED")
                .containsEntry("retryable", true);
        assertThat(tagged.content()).isEqualTo(error.content());
        assertThat(tagged.isError()).isTrue();
        CallToolResult plain = CallCorrelation.tagged(CallToolResult.builder().addTextContent("{}").isError(false)
                .build(), "c-2");
        assertThat(plain.meta()).containsExactly(Map.entry("correlationId", "c-2"));
    }
}
