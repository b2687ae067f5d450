package io.mcpca.ingress.metrics;

import io.mcpca.ingress.submit.Refusal;
import io.mcpca.shared.wire.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The ingress's meters (names and tags in the meter catalogue): calls by tool, outcome and error code, their
 * latency (a percentile histogram by tool), calls in flight, refusals to queue by reason, the lag of the reply
 * stream, and MCP sessions open. Tags are bounded: tools from the catalogue, codes from {@link ErrorCode}.
 * {@link #NONE} records nothing.
 */
public final class IngressMeters {

    /** Call latency histogram: a ping answers in ~1 ms; the call timeout defaults to 10 min. */
    private static final Duration CALL_MIN = Duration.ofMillis(1);
    private static final Duration CALL_MAX = Duration.ofMinutes(10);
    /** Reply lag: from the worker's XADD to the router reading it; sub-millisecond when healthy. */
    private static final Duration LAG_MIN = Duration.ofNanos(100_000);
    private static final Duration LAG_MAX = Duration.ofSeconds(30);

    public static final IngressMeters NONE = new IngressMeters(new CompositeMeterRegistry(), Clock.systemUTC());

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> callCounters = new ConcurrentHashMap<>();
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Timer replyLag;

    public IngressMeters(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("mcpca.ingress.calls.in.flight", inFlight, AtomicInteger::get)
                .description("Tool calls this ingress is running now").register(registry);
        for (Refusal reason : Refusal.values()) {
            if (reason != Refusal.REDIS_ERROR) {
                refusals.put(reason, Counter.builder("mcpca.ingress.submit.refused").tag("reason", reason.tag())
                        .description("Calls refused before they were queued, by reason").register(registry));
            }
        }
        this.replyLag = Timer.builder("mcpca.ingress.reply.lag")
                .description("From a reply's entry id (the worker's XADD) to the ingress routing it")
                .publishPercentileHistogram().minimumExpectedValue(LAG_MIN).maximumExpectedValue(LAG_MAX)
                .register(registry);
    }

    /**
     * Wraps one tool call's answer: counts it in flight while it runs, then times and counts it by outcome
     * ({@code ok}, {@code error} with its code, {@code cancelled}: a CANCELLED answer or a client that went away).
     */
    public Function<Mono<CallToolResult>, Mono<CallToolResult>> call(String tool) {
        return answer -> Mono.defer(() -> {
            long began = System.nanoTime();
            inFlight.incrementAndGet();
            CallToolResult[] result = new CallToolResult[1];
            return answer.doOnNext(r -> result[0] = r).doFinally(signal -> {
                inFlight.decrementAndGet();
                String code = signal == SignalType.CANCEL ? ErrorCode.CANCELLED.name()
                        : signal == SignalType.ON_ERROR ? ErrorCode.INTERNAL.name() : codeOf(result[0]);
                String outcome = code.equals("NONE") ? "ok" : code.equals(ErrorCode.CANCELLED.name()) ? "cancelled" : "error";
                callCounters.computeIfAbsent(tool + '|' + outcome + '|' + code, k -> Counter.builder("mcpca.ingress.calls")
                        .tag("tool", tool).tag("outcome", outcome).tag("code", code)
                        .description("Tool calls answered, by tool, outcome and error code").register(registry))
                        .increment();
                callTimers.computeIfAbsent(tool, t -> Timer.builder("mcpca.ingress.call").tag("tool", t)
                        .description("Tool call latency at the ingress, from tools/call to the answer")
                        .publishPercentileHistogram().minimumExpectedValue(CALL_MIN).maximumExpectedValue(CALL_MAX)
                        .register(registry)).record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
            });
        });
    }

    /** {@code NONE} for a result, else the error code its {@code _meta} names (INTERNAL when it names none). */
    static String codeOf(CallToolResult result) {
        if (result == null) {
            return ErrorCode.INTERNAL.name();
        }
        if (!Boolean.TRUE.equals(result.isError())) {
            return "NONE";
        }
        Object code = result.meta() == null ? null : result.meta().get("errorCode");
        if (code instanceof String name) {
            try {
                return ErrorCode.valueOf(name).name();
            } catch (IllegalArgumentException unknown) {
                return ErrorCode.INTERNAL.name();
            }
        }
        return ErrorCode.INTERNAL.name();
    }

    /** A call refused before it was queued. */
    public void refused(Refusal reason) {
        Counter counter = refusals.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }

    /** A reply read from the reply stream: its lag is now minus the entry id's milliseconds. */
    public void replyRead(String entryId) {
        int dash = entryId.indexOf('-');
        try {
            long writtenAtMs = Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
            replyLag.record(Math.max(0, clock.millis() - writtenAtMs), TimeUnit.MILLISECONDS);
        } catch (NumberFormatException e) {
            // not a stream entry id: nothing to measure
        }
    }

    /** Exports the number of MCP sessions open, as {@code sessions} reads it from {@code source}. */
    public <T> void watchSessions(T source, ToDoubleFunction<T> sessions) {
        Gauge.builder("mcpca.ingress.sessions.open", source, sessions).strongReference(true)
                .description("MCP sessions open on this ingress").register(registry);
    }
}
