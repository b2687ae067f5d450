package io.mcpca.workers.run;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.util.Map;

/**
 * What one analyzer call ended with: a result, or an error with a code.
 *
 * @param result       the result as the analyzer wrote it, UTF-8 JSON bytes, final (paths relative to the root);
 *                     {@link JsonBytes#NONE} on error
 * @param error        the error code, or the null-free {@link ErrorCode#INTERNAL} placeholder when succeeded
 * @param errorMessage empty when succeeded
 * @param succeeded    whether {@code result} holds the answer
 * @param cancelled    the call was cancelled (notifications/cancelled or a passed deadline) and its process killed
 * @param fromCache    the result came from the result cache, not from an analyzer run
 */
public record AnalyzerOutcome(JsonBytes result, ErrorCode error, String errorMessage, boolean succeeded,
                              boolean cancelled, boolean fromCache) {

    /**
     * The call runs as shards now (see {@link Sharding}): its entry ends without a reply; the merging shard answers
     * it. Told apart by identity.
     */
    public static final AnalyzerOutcome FANNED_OUT = new AnalyzerOutcome(JsonBytes.NONE, ErrorCode.INTERNAL,
            "the call runs as shards", false, false, false);

    /** Whether this is {@link #FANNED_OUT}. */
    public boolean fannedOut() {
        return this == FANNED_OUT;
    }

    public static AnalyzerOutcome success(JsonBytes result) {
        return new AnalyzerOutcome(result, ErrorCode.INTERNAL, "", true, false, false);
    }

    public static AnalyzerOutcome failure(ErrorCode error, String message) {
        return new AnalyzerOutcome(JsonBytes.NONE, error, message, false, false, false);
    }

    public static AnalyzerOutcome cancelled(String message) {
        return new AnalyzerOutcome(JsonBytes.NONE, ErrorCode.CANCELLED, message, false, true, false);
    }

    public static AnalyzerOutcome cached(JsonBytes result) {
        return new AnalyzerOutcome(result, ErrorCode.INTERNAL, "", true, false, true);
    }

    /** The call's final reply, from whoever ran it ({@code answeredBy}: a worker id, or the local fallback). */
    public ToolReply toReply(String requestId, String answeredBy) {
        return succeeded
                ? ToolReply.result(requestId, result, answeredBy)
                : ToolReply.error(requestId, error, errorMessage, answeredBy);
    }

    /** What a session-locked call with this outcome writes to its session (the worker and the local fallback alike). */
    public Map<String, String> sessionAttributes(ToolRequest request) {
        return Map.of("lastRequestId", request.requestId(), "lastTool", request.tool(),
                "lastOutcome", succeeded ? "SUCCEEDED" : error.name());
    }
}
