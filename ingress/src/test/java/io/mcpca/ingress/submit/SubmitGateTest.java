package io.mcpca.ingress.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Why the gate refused a call: the reason the refusal meter counts. No Redis needed: no call gets to the append. */
class SubmitGateTest {

    private static final ToolRequest REQUEST = new ToolRequest(ToolRequest.VERSION, "r1", "s1", "ping", Map.of(),
            "replies", Long.MAX_VALUE);

    @Test
    void aPoolPastItsBacklogIsRefusedForBackpressure() {
        SubmitGate gate = new SubmitGate(null, pool -> 11, 10, Duration.ofSeconds(1));
        SubmitRefusedException refused = catchThrowableOfType(SubmitRefusedException.class,
                () -> gate.submit("heavy", REQUEST));
        assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(refused.reason()).isEqualTo(Refusal.BACKPRESSURE);
    }

    /** Redis failing (here its backlog read) is no refusal by policy; once the breaker opens, calls are refused by it. */
    @Test
    void failuresOpenTheBreakerWhichThenRefusesByItself() {
        SubmitGate gate = new SubmitGate(null, pool -> {
            throw new IllegalStateException("Redis is down");
        }, 10, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            SubmitRefusedException failed = catchThrowableOfType(SubmitRefusedException.class,
                    () -> gate.submit("fast", REQUEST));
            assertThat(failed.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(failed.reason()).isEqualTo(Refusal.REDIS_ERROR);
        }
        SubmitRefusedException refused = catchThrowableOfType(SubmitRefusedException.class,
                () -> gate.submit("fast", REQUEST));
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(refused.reason()).isEqualTo(Refusal.BREAKER);
        assertThat(gate.breakers().circuitBreaker("redis-submit").getState().name()).isEqualTo("OPEN");
    }
}
