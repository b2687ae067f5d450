package io.mcpca.ingress.mcp;

import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.ingress.reply.ReplyRouter;
import io.mcpca.ingress.security.BearerAuthFilter;
import io.mcpca.ingress.submit.RequestSubmitter;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Handles {@code tools/call} for one tool: 1. principal and session from the MCP exchange; 2. the path
 * argument checked against the roots, so a bad path fails fast with a clear message (the worker checks
 * again); 3. the call registered with the {@link ReplyRouter}, then appended to its pool's stream;
 * 4. progress replies become {@code notifications/progress} when the client sent a progress token;
 * 5. the final reply becomes the result: {@code structuredContent} plus its JSON as text, or an error
 * result naming the code and whether a retry may help. Argument schemas are checked by the SDK
 * before this runs.
 */
public final class ToolCallHandler {

    private static final Logger log = LoggerFactory.getLogger(ToolCallHandler.class);
    public static final String STDIO_PRINCIPAL = "stdio";

    private final ToolDescriptor tool;
    private final PathGuard paths;
    private final RequestSubmitter submitter;
    private final ReplyRouter replies;
    private final McpJsonMapper json;
    private final String replyStream;
    private final Duration callTimeout;
    private final Clock clock;

    public ToolCallHandler(ToolDescriptor tool, PathGuard paths, RequestSubmitter submitter, ReplyRouter replies,
                           McpJsonMapper json, String replyStream, Duration callTimeout, Clock clock) {
        this.tool = tool;
        this.paths = paths;
        this.submitter = submitter;
        this.replies = replies;
        this.json = json;
        this.replyStream = replyStream;
        this.callTimeout = callTimeout;
        this.clock = clock;
    }

    public Mono<CallToolResult> handle(McpAsyncServerExchange exchange, CallToolRequest call) {
        Map<String, Object> arguments = call.arguments() == null ? Map.of() : call.arguments();
        if (!tool.pathArgument().isEmpty() && arguments.get(tool.pathArgument()) instanceof String path) {
            try {
                paths.resolve(path);
            } catch (PathRejectedException e) {
                return Mono.just(error(e.code(), e.getMessage()));
            }
        }
        String requestId = UUID.randomUUID().toString();
        Object principalValue = exchange.transportContext().get(BearerAuthFilter.PRINCIPAL_ATTRIBUTE);
        String principal = principalValue == null ? STDIO_PRINCIPAL : principalValue.toString();
        String sessionId = exchange.sessionId() == null ? principal : exchange.sessionId();
        ToolRequest request = new ToolRequest(ToolRequest.VERSION, requestId, sessionId, principal, tool.name(),
                tool.version(), arguments, replyStream, clock.millis() + callTimeout.toMillis(), 1, requestId, "");
        Object progressToken = call.progressToken();
        PendingCall pending = replies.register(requestId, progress -> {
            if (progressToken != null) {
                exchange.progressNotification(new ProgressNotification(progressToken, (double) progress.progress(),
                        progress.total() > 0 ? (double) progress.total() : null, progress.message())).subscribe();
            }
        });
        return Mono.fromCallable(() -> submitter.submit(tool.pool(), request))
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.fromFuture(pending.answer()))
                .timeout(callTimeout)
                .map(this::toResult)
                .onErrorResume(e -> {
                    replies.forget(requestId);
                    return Mono.just(failure(requestId, e));
                })
                .doOnCancel(() -> replies.forget(requestId));
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
            return CallToolResult.builder()
                    .structuredContent(reply.result())
                    .addTextContent(toJson(reply.result()))
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
    static CallToolResult error(ErrorCode code, String message) {
        String text = code.name() + ": " + message + (code.retryable() ? " (retryable)" : " (not retryable)");
        return CallToolResult.builder()
                .addTextContent(text)
                .isError(true)
                .meta(Map.of("errorCode", code.name(), "retryable", code.retryable()))
                .build();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }
}
