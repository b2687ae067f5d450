package io.mcpca.shared.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.wire.ToolRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class CallMdcTest {

    private static final ToolRequest REQUEST = new ToolRequest(ToolRequest.VERSION, "r1", "s1", "ping", Map.of(),
            "mcpca:reply:{i1}", 1L, "c1", "");

    @Test
    void aScopeSetsTheCallsKeysBesideOthersAndRestoresWhatWasThere() {
        MDC.clear();
        MDC.put("other", "kept");
        try (CallMdc.Scope scope = CallMdc.of(REQUEST).open()) {
            assertThat(MDC.getCopyOfContextMap()).containsEntry("correlationId", "c1").containsEntry("requestId", "r1")
                    .containsEntry("sessionId", "s1").containsEntry("tool", "ping").containsEntry("other", "kept");
        }
        assertThat(MDC.getCopyOfContextMap()).containsExactly(Map.entry("other", "kept"));
        MDC.clear();
    }

    @Test
    void aCapturedContextCrossesToAnotherThreadAndLeavesItClean() throws Exception {
        MDC.clear();
        Map<String, String> captured;
        try (CallMdc.Scope scope = CallMdc.of(REQUEST).open()) {
            captured = MDC.getCopyOfContextMap();
        }
        AtomicReference<Map<String, String>> inside = new AtomicReference<>();
        AtomicReference<Map<String, String>> after = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try (CallMdc.Scope scope = CallMdc.restore(captured)) {
                inside.set(MDC.getCopyOfContextMap());
            }
            after.set(MDC.getCopyOfContextMap());
        });
        other.start();
        other.join();
        assertThat(inside.get()).containsEntry("correlationId", "c1").containsEntry("requestId", "r1");
        assertThat(after.get() == null || after.get().isEmpty()).isTrue();
    }

    @Test
    void anOlderRequestWithoutACorrelationIdLeavesTheKeyOut() {
        MDC.clear();
        ToolRequest older = new ToolRequest(ToolRequest.VERSION, "r2", "s2", "ping", Map.of(), "x", 1L);
        try (CallMdc.Scope scope = CallMdc.of(older).open()) {
            assertThat(MDC.get("correlationId")).isNull();
            assertThat(MDC.get("requestId")).isEqualTo("r2");
        }
    }
}
