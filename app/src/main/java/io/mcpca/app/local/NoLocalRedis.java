package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.util.function.Consumer;

/**
 * The local fallback where its private redis-server could not start (none on the PATH, say): a call that
 * would fall back is answered at once with a retryable UNAVAILABLE saying why, never a hang.
 */
final class NoLocalRedis implements LocalCalls {

    private final String why;

    /** @param why what kept the fallback from starting, as the caller should read it */
    NoLocalRedis(String why) {
        this.why = why;
    }

    @Override
    public ToolReply run(ToolRequest request, Consumer<ToolReply> progress) {
        return ToolReply.error(request.requestId(), ErrorCode.UNAVAILABLE, "Redis is unreachable and " + why,
                "local");
    }

    @Override
    public void cancel(String requestId) {
        // nothing runs here
    }
}
