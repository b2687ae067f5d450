package io.mcpca.ingress.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.ingress.submit.Refusal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class IngressMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngressMeters meters = new IngressMeters(registry,
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC));

    private double calls(String tool, String outcome, String code) {
        var counter = registry.find("mcpca.ingress.calls").tags("tool", tool, "outcome", outcome, "code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    private double inFlight() {
        return registry.get("mcpca.ingress.calls.in.flight").gauge().value();
    }

    private static CallToolResult error(String code) {
        return CallToolResult.builder().addTextContent(code).isError(true).meta(Map.of("errorCode", code)).build();
    }

    @Test
    void aCallIsInFlightWhileItRunsThenCountedAndTimedByOutcome() {
        Sinks.One<CallToolResult> answer = Sinks.one();
        Disposable running = answer.asMono().transform(meters.call("ping")).subscribe();
        assertThat(inFlight()).isEqualTo(1);
        answer.tryEmitValue(CallToolResult.builder().addTextContent("{}").isError(false).build());
        assertThat(running.isDisposed()).isTrue();
        assertThat(inFlight()).isZero();
        assertThat(calls("ping", "ok", "NONE")).isEqualTo(1);
        assertThat(registry.get("mcpca.ingress.call").tag("tool", "ping").timer().count()).isEqualTo(1);
    }

    @Test
    void anErrorResultCountsWithItsCodeAndCancelledIsItsOwnOutcome() {
        Mono.just(error("OVERLOADED")).transform(meters.call("symbols")).block();
        Mono.just(error("CANCELLED")).transform(meters.call("symbols")).block();
        Mono.just(error("NO_SUCH_CODE")).transform(meters.call("symbols")).block();
        assertThat(calls("symbols", "error", "OVERLOADED")).isEqualTo(1);
        assertThat(calls("symbols", "cancelled", "CANCELLED")).isEqualTo(1);
        assertThat(calls("symbols", "error", "INTERNAL")).isEqualTo(1);
    }

    /** The client went away (the SDK cancels the answer): counted as cancelled, no longer in flight. */
    @Test
    void aCallWhoseAnswerIsCancelledCountsAsCancelled() {
        Disposable running = Mono.<CallToolResult>never().transform(meters.call("analyze-metrics")).subscribe();
        assertThat(inFlight()).isEqualTo(1);
        running.dispose();
        assertThat(inFlight()).isZero();
        assertThat(calls("analyze-metrics", "cancelled", "CANCELLED")).isEqualTo(1);
    }

    @Test
    void refusalsCountByReasonAndAFailedAppendIsNoRefusal() {
        meters.refused(Refusal.PAYLOAD);
        meters.refused(Refusal.BACKPRESSURE);
        meters.refused(Refusal.BACKPRESSURE);
        meters.refused(Refusal.REDIS_ERROR);
        assertThat(registry.get("mcpca.ingress.submit.refused").tag("reason", "payload").counter().count()).isEqualTo(1);
        assertThat(registry.get("mcpca.ingress.submit.refused").tag("reason", "backpressure").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("mcpca.ingress.submit.refused").tag("reason", "rate_limit").counter().count()).isZero();
        assertThat(registry.find("mcpca.ingress.submit.refused").tag("reason", "redis_error").counter()).isNull();
    }

    @Test
    void replyLagIsTheClockMinusTheEntryIdsMilliseconds() {
        meters.replyRead("1700000000000-3");
        meters.replyRead("not-an-id");
        var lag = registry.get("mcpca.ingress.reply.lag").timer();
        assertThat(lag.count()).isEqualTo(1);
        assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }
}
