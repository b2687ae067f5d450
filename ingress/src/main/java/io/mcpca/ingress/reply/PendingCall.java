package io.mcpca.ingress.reply;

import io.mcpca.shared.wire.ToolReply;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A call waiting for its answer: the future completes with the one final reply; progress goes to the listener.
 * {@code logContext} is the MDC of the thread that registered it (the call's ids, see
 * {@link io.mcpca.shared.log.CallMdc}; null for none), which the router restores while it hands the call a reply.
 */
public record PendingCall(String requestId, CompletableFuture<ToolReply> answer, Consumer<ToolReply> progress,
                          Map<String, String> logContext) {
}
