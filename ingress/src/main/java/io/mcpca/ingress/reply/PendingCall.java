package io.mcpca.ingress.reply;

import io.mcpca.shared.wire.ToolReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A call waiting for its answer: the future completes with the one final reply; progress goes to the listener. */
public record PendingCall(String requestId, CompletableFuture<ToolReply> answer, Consumer<ToolReply> progress) {
}
