package io.mcpca.ingress.mcp;

import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.ingress.reply.ReplyRouter;
import io.mcpca.ingress.security.BearerAuthFilter;
import io.mcpca.ingress.session.SessionDirectory;
import io.mcpca.ingress.submit.Refusal;
import io.mcpca.ingress.submit.SubmitRefusedException;
import io.mcpca.shared.log.CallMdc;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Handles {@code tools/call} for one tool: 1. principal and session from the MCP exchange; 2. the path
 * argument checked against the roots, so a bad path fails fast with a clear message (the worker checks
 * again), and string arguments (inline content) checked against their size limit; 3. the principal's
 * rate limit; 4. the call registered with the {@link ReplyRouter}, then appended to its pool's stream
 * through the {@link io.mcpca.ingress.submit.SubmitGate} (backpressure, circuit breaker), or run
 * in-process when Redis is unreachable and the local fallback is on; 5. progress replies become
 * {@code notifications/progress} when the client sent a progress token; 6. the final reply becomes the
 * result: {@code structuredContent} plus its JSON as text, or an error result naming the code and
 * whether a retry may help. A result is passed on as the JSON text the analyzer wrote (see
 * {@link RawStructuredContent}). A call cancelled by the client ({@code notifications/cancelled}, see
 * {@link CancellationFilter} for HTTP and {@link StdioCancellationFilter} for stdio), dropped by it, or past
 * its deadline publishes a cancel so the worker kills its analyzer process (or, run in-process, the local
 * fallback kills it). Argument schemas are checked before this runs
 * ({@link McpServerFactory}). Every answer carries the call's correlation id ({@link CallCorrelation}); the call's
 * log context ({@link CallMdc}) follows it across threads ({@link ReactorMdc}).
 */
public final class ToolCallHandler implements ToolHandler {

    private static final Logger log = LoggerFactory.getLogger(ToolCallHandler.class);
    public static final String STDIO_PRINCIPAL = "stdio";
    /** The {@code _meta} key of a call that runs in a session made by create-session. */
    public static final String SESSION_META = "sessionId";

    private final ToolDescriptor tool;
    private final PathGuard paths;
    private final ReplyRouter replies;
    private final String replyStream;
    private final Duration callTimeout;
    private final Clock clock;
    private final FlowControl flow;
    private final SessionDirectory sessions;

    public ToolCallHandler(ToolDescriptor tool, PathGuard paths, ReplyRouter replies,
                           String replyStream, Duration callTimeout, Clock clock, FlowControl flow,
                           SessionDirectory sessions) {
        this.tool = tool;
        this.paths = paths;
        this.replies = replies;
        this.replyStream = replyStream;
        this.callTimeout = callTimeout;
        this.clock = clock;
        this.flow = flow;
        this.sessions = sessions;
    }

    /** As {@link #handle(McpAsyncServerExchange, CallToolRequest, boolean)}, never waiting on the caller's thread. */
    @Override
    public Mono<CallToolResult> handle(McpAsyncServerExchange exchange, CallToolRequest call) {
        return handle(exchange, call, false);
    }

    /**
     * @param waitOnCaller the subscribing thread may wait for the answer and carry it on (a servlet container's
     *                     thread, held by the SDK's HTTP transport for the call anyway; not stdio's single reader)
     */
    @Override
    public Mono<CallToolResult> handle(McpAsyncServerExchange exchange, CallToolRequest call, boolean waitOnCaller) {
        String principal = principalOf(exchange);
        CallMdc context = new CallMdc(CallCorrelation.of(call), UUID.randomUUID().toString(),
                exchangeSession(exchange, principal), tool.name());
        long startNanos = System.nanoTime();
        return ReactorMdc.within(context, Mono.defer(() -> {
            CallMdc.CALLS.debug("call received");
            return run(exchange, call, principal, context, waitOnCaller);
        })).map(result -> {
            if (CallMdc.CALLS.isDebugEnabled()) {
                CallMdc.CALLS.debug("call answered in {} ms: {}", (System.nanoTime() - startNanos) / 1_000_000,
                        Boolean.TRUE.equals(result.isError()) && result.meta() != null
                                ? result.meta().get("errorCode") : "result");
            }
            return CallCorrelation.tagged(result, context.correlationId());
        });
    }

    private Mono<CallToolResult> run(McpAsyncServerExchange exchange, CallToolRequest call, String principal,
                                     CallMdc context, boolean waitOnCaller) {
        Map<String, Object> arguments = call.arguments() == null ? Map.of() : call.arguments();
        if (!tool.pathArgument().isEmpty() && arguments.get(tool.pathArgument()) instanceof String path) {
            try {
                paths.resolve(path);
            } catch (PathRejectedException e) {
                return Mono.just(error(e.code(), e.getMessage()));
            }
        }
        Optional<String> tooLarge = oversizedArgument(arguments, "");
        if (tooLarge.isPresent()) {
            flow.meters().refused(Refusal.PAYLOAD);
            return Mono.just(error(ErrorCode.BAD_ARGUMENTS, "argument '" + tooLarge.get() + "' is larger than "
                    + flow.maxInlineArgumentBytes() + " bytes; pass a path under an analysis root instead of inline content"));
        }
        long inline = inlineBytes(arguments, flow.maxInlineCallBytes());
        if (inline > flow.maxInlineCallBytes()) {
            flow.meters().refused(Refusal.PAYLOAD);
            return Mono.just(error(ErrorCode.BAD_ARGUMENTS, "the call's string arguments (inline content) add up to "
                    + "more than " + flow.maxInlineCallBytes() + " bytes (mcpca.ingress.max-inline-call-bytes); split "
                    + "the files over several calls or pass paths under an analysis root"));
        }
        Optional<Duration> limited = flow.rateLimits().tryAcquire(principal);
        if (limited.isPresent()) {
            flow.meters().refused(Refusal.RATE_LIMIT);
            return Mono.just(error(ErrorCode.OVERLOADED, "principal '" + principal + "' is over its call rate limit",
                    limited));
        }
        String sessionId;
        try {
            Optional<String> session = session(exchange, call, principal);
            if (session.isEmpty()) {
                return Mono.just(error(ErrorCode.NOT_FOUND, "_meta.sessionId names no session of yours (it never "
                        + "existed, expired, was cleared, or is another principal's); create-session makes one"));
            }
            sessionId = session.get();
        } catch (RuntimeException redisTrouble) {
            return Mono.just(error(ErrorCode.UNAVAILABLE, "the session could not be checked: " + redisTrouble.getMessage()));
        }
        String requestId = context.requestId();
        ToolRequest request = new ToolRequest(ToolRequest.VERSION, requestId, sessionId, tool.name(),
                arguments, replyStream, clock.millis() + callTimeout.toMillis(), context.correlationId(), "");
        Object progressToken = call.progressToken();
        Consumer<ToolReply> progressSink = progress -> {
            if (progressToken != null) {
                // called on the reply router's I/O thread: the write to the client happens on another
                exchange.progressNotification(new ProgressNotification(progressToken, (double) progress.progress(),
                        progress.total() > 0 ? (double) progress.total() : null, progress.message()))
                        .subscribeOn(Schedulers.boundedElastic()).subscribe();
            }
        };
        PendingCall pending = replies.register(requestId, progressSink);
        AtomicBoolean ranLocally = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Runnable cancelWork = context.wrap(() -> {
            if (finished.compareAndSet(false, true)) {
                replies.forget(requestId);
                if (ranLocally.get()) {
                    flow.local().ifPresent(local -> local.cancel(requestId));
                } else {
                    flow.cancels().cancel(requestId);
                }
            }
        });
        Sinks.One<CallToolResult> cancelledByClient = Sinks.one();
        Optional<Object> jsonRpcId = jsonRpcId(exchange, call);
        AutoCloseable inFlight = jsonRpcId.isEmpty() || exchange.sessionId() == null ? () -> { }
                : flow.inFlight().register(exchange.sessionId(), jsonRpcId.get(), () -> {
                    cancelWork.run();
                    cancelledByClient.tryEmitValue(error(ErrorCode.CANCELLED, "cancelled by the client"));
                });

        // the XADD is pipelined on the shared connection: no thread waits for Redis
        Mono<ToolReply> replied = Mono.fromCompletionStage(() -> flow.gate().submitAsync(tool.pool(), request))
                .then(Mono.fromFuture(pending.answer()));
        // the answer completes on the reply router's I/O thread: writing it to the client happens on another, so a
        // slow client never holds up other replies: the caller's own thread when it waits (see waitingOn; the I/O
        // thread then builds the result, one UTF-8 decode of the worker's bytes), else one of boundedElastic
        Mono<CallToolResult> viaRedis = (waitOnCaller ? replied : replied.publishOn(Schedulers.boundedElastic()))
                .map(this::toResult);
        Mono<CallToolResult> answered = viaRedis.onErrorResume(SubmitRefusedException.class, refused -> {
            replies.forget(requestId);
            flow.meters().refused(refused.reason());
            if (refused.code() == ErrorCode.UNAVAILABLE && flow.local().isPresent()) {
                ranLocally.set(true);
                return Mono.fromCallable(() -> toResult(flow.local().get().run(request, progressSink)))
                        .subscribeOn(Schedulers.boundedElastic());
            }
            return Mono.just(error(refused.code(), refused.getMessage(), refused.retryAfter()));
        });
        Mono<CallToolResult> raced = Mono.firstWithSignal(answered, cancelledByClient.asMono());
        // the deadline: a thread that waits anyway waits with it; else Reactor's timer (a timer task per call)
        return (waitOnCaller ? waitingOn(raced, callTimeout) : raced.timeout(callTimeout))
                .doOnSuccess(result -> finished.set(true))
                .onErrorResume(e -> {
                    cancelWork.run();
                    return Mono.just(failure(requestId, e));
                })
                .doOnCancel(cancelWork)
                .doFinally(signal -> {
                    try {
                        inFlight.close();
                    } catch (Exception ignored) {
                        // removing a map entry does not fail
                    }
                });
    }

    /**
     * The call run on the subscribing thread, which waits for its outcome and then carries it on itself: over
     * HTTP that is the servlet container's thread, which the SDK's transport holds (blocked) for the whole call
     * anyway; so the result is built, written and the response completed there, as when the SDK answers
     * in-process, instead of on a boundedElastic thread that then hands the response's completion back to the
     * container (two thread wake-ups per call, docs/decisions/011). The wait is bounded by the call's
     * {@code deadline}: past it the call is dropped and the Mono fails with a {@link TimeoutException}, as
     * Reactor's {@code timeout} would, without a timer task scheduled and cancelled on another thread for every
     * call (decision 019). Cancelling the returned Mono cancels the call.
     */
    private static Mono<CallToolResult> waitingOn(Mono<CallToolResult> call, Duration deadline) {
        return Mono.defer(() -> {
            if (Schedulers.isInNonBlockingThread()) {
                // not a thread that may wait (a Reactor scheduler's): hand the result over instead
                return call.timeout(deadline).publishOn(Schedulers.boundedElastic());
            }
            return Mono.create(sink -> {
                CompletableFuture<CallToolResult> outcome = call.toFuture();
                sink.onCancel(() -> outcome.cancel(false));
                try {
                    sink.success(outcome.get(deadline.toNanos(), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    outcome.cancel(false);
                    sink.error(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcome.cancel(false);
                    sink.error(e);
                } catch (ExecutionException e) {
                    sink.error(e.getCause());
                } catch (CancellationException e) {
                    // cancelled through the sink: nobody waits for a signal
                }
            });
        });
    }

    /**
     * The session the call runs in: the one {@code _meta.sessionId} names, if the principal owns it (empty if not);
     * else the MCP connection's, marked as the principal's before its first session-locked call so the session
     * tools show it.
     */
    private Optional<String> session(McpAsyncServerExchange exchange, CallToolRequest call, String principal) {
        Object named = call.meta() == null ? null : call.meta().get(SESSION_META);
        if (named != null) {
            return named instanceof String id && sessions.owns(principal, id) ? Optional.of(id) : Optional.empty();
        }
        if (!tool.sessionless() && exchange.sessionId() != null) {
            try {
                sessions.markConnectionSession(principal, exchange.sessionId());
            } catch (RuntimeException e) {
                // Redis unreachable: the call goes on (the local fallback may run it); the mark is tried next call
                log.debug("could not mark session {} as {}'s: {}", exchange.sessionId(), principal, e.toString());
            }
        }
        return Optional.of(exchangeSession(exchange, principal));
    }

    /** The session of a call that names none: its MCP connection's, or over stdio the principal's. */
    private static String exchangeSession(McpAsyncServerExchange exchange, String principal) {
        return exchange.sessionId() == null ? principal : exchange.sessionId();
    }

    /** The caller: the authenticated principal over HTTP, {@link #STDIO_PRINCIPAL} over stdio. */
    public static String principalOf(McpAsyncServerExchange exchange) {
        Object principalValue = exchange.transportContext().get(BearerAuthFilter.PRINCIPAL_ATTRIBUTE);
        return principalValue == null ? STDIO_PRINCIPAL : principalValue.toString();
    }

    /** A successful answer: the JSON as structured content (passed on raw) and as text. */
    public static CallToolResult json(String json) {
        return CallToolResult.builder().structuredContent(new RawStructuredContent(json)).addTextContent(json)
                .isError(false).build();
    }

    /** Where {@link StdioSession} finds the registry its cancels go to. */
    InFlightCalls inFlightCalls() {
        return flow.inFlight();
    }

    /**
     * The JSON-RPC id of the call, which a {@code notifications/cancelled} names: put in the transport
     * context by {@link CancellationFilter} over HTTP, in {@code _meta} by {@link StdioCancellationFilter}
     * over stdio (which has no transport context). Empty when neither ran.
     */
    private static Optional<Object> jsonRpcId(McpAsyncServerExchange exchange, CallToolRequest call) {
        Object fromHttp = exchange.transportContext().get(CancellationFilter.JSONRPC_ID_ATTRIBUTE);
        if (fromHttp != null) {
            return Optional.of(fromHttp);
        }
        Object fromStdio = call.meta() == null ? null : call.meta().get(StdioCancellationFilter.JSONRPC_ID_META);
        return fromStdio instanceof Number || fromStdio instanceof String ? Optional.of(fromStdio) : Optional.empty();
    }

    /**
     * UTF-8 bytes of every string in {@code value}, counted exactly only once a cheap bound (3 bytes per char)
     * passes {@code limit}: most calls are cleared without encoding anything.
     */
    static long inlineBytes(Object value, long limit) {
        long bound = sumOfStrings(value, text -> 3L * text.length());
        return bound <= limit ? bound : sumOfStrings(value, text -> text.getBytes(StandardCharsets.UTF_8).length);
    }

    /** {@code measure} summed over every string in {@code value} (maps and lists walked). */
    private static long sumOfStrings(Object value, java.util.function.ToLongFunction<String> measure) {
        if (value instanceof String s) {
            return measure.applyAsLong(s);
        }
        Collection<?> children = value instanceof Map<?, ?> map ? map.values()
                : value instanceof Collection<?> list ? list : java.util.List.of();
        long total = 0;
        for (Object child : children) {
            total += sumOfStrings(child, measure);
        }
        return total;
    }

    /** The name of the first string argument longer than the inline limit (in UTF-8 bytes), if any. */
    private Optional<String> oversizedArgument(Object value, String name) {
        int limit = flow.maxInlineArgumentBytes();
        if (value instanceof String s) {
            // a char is at most 3 UTF-8 bytes: most strings are cleared without encoding them
            boolean over = (long) s.length() * 3 > limit && s.getBytes(StandardCharsets.UTF_8).length > limit;
            return over ? Optional.of(name) : Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Optional<String> found = oversizedArgument(e.getValue(),
                        name.isEmpty() ? String.valueOf(e.getKey()) : name + "." + e.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                Optional<String> found = oversizedArgument(item, name + "[" + i++ + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private CallToolResult failure(String requestId, Throwable e) {
        if (e instanceof TimeoutException) {
            return error(ErrorCode.DEADLINE_EXCEEDED, "no answer within " + callTimeout.toSeconds() + " s");
        }
        log.warn("call {} to {} failed: {}", requestId, tool.name(), e.toString());
        return error(ErrorCode.UNAVAILABLE, "the call could not be queued or answered: " + e.getMessage());
    }

    private CallToolResult toResult(ToolReply reply) {
        if (reply.kind() == ReplyKind.RESULT) {
            // the worker's bytes are the answer: the text is them decoded, structured content the same text raw
            String json = reply.result().text();
            return CallToolResult.builder()
                    .structuredContent(new RawStructuredContent(json))
                    .addTextContent(json)
                    .isError(false)
                    .build();
        }
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(reply.errorCode());
        } catch (IllegalArgumentException unknown) {
            code = ErrorCode.INTERNAL;
        }
        return error(code, reply.errorMessage());
    }

    /** A tool error: the text says what went wrong and whether retrying may help; _meta carries the same for machines. */
    public static CallToolResult error(ErrorCode code, String message) {
        return error(code, message, Optional.empty());
    }

    /** As {@link #error(ErrorCode, String)}, with a hint of when a retry may succeed. */
    public static CallToolResult error(ErrorCode code, String message, Optional<Duration> retryAfter) {
        String hint = retryAfter.map(d -> "; retry after " + Math.max(1, d.toMillis()) + " ms").orElse("");
        String text = code.name() + ": " + message + hint + (code.retryable() ? " (retryable)" : " (not retryable)");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("errorCode", code.name());
        meta.put("retryable", code.retryable());
        retryAfter.ifPresent(d -> meta.put("retryAfterMs", Math.max(1, d.toMillis())));
        return CallToolResult.builder()
                .addTextContent(text)
                .isError(true)
                .meta(meta)
                .build();
    }
}
