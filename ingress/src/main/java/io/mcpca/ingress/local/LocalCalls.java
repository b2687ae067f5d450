package io.mcpca.ingress.local;

import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.util.function.Consumer;

/**
 * Runs calls in this process, for {@code mcpca.fallback=local}: while Redis is unreachable the ingress
 * hands calls here instead of refusing them (ARCHITECTURE "Redis trouble", the seed design's graceful
 * degradation). The app implements it with the workers' analyzer pool and tool runner; the ingress
 * module does not depend on the workers module.
 */
public interface LocalCalls {

    /** Runs the call to its end (blocking) and returns its one final reply; progress replies go to {@code progress}. */
    ToolReply run(ToolRequest request, Consumer<ToolReply> progress);

    /** Cancels a call running here: its analyzer process is killed and {@link #run} returns a cancelled reply. */
    void cancel(String requestId);
}
