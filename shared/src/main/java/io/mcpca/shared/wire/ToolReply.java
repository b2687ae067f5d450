package io.mcpca.shared.wire;

import java.util.Objects;

/**
 * A message from a worker to the ingress waiting on {@code requestId}: progress events, then exactly
 * one RESULT or ERROR (the ingress drops any further final reply for the same request).
 *
 * @param version      wire version
 * @param requestId    the call this answers
 * @param kind         progress, result or error
 * @param result       the tool's result as the analyzer wrote it, JSON bytes (RESULT only, else {@link JsonBytes#NONE})
 * @param errorCode    error code (ERROR only, else empty)
 * @param errorMessage human-readable error (ERROR only, else empty)
 * @param progress     work done so far (PROGRESS only)
 * @param total        work in all, or 0 when unknown (PROGRESS only)
 * @param message      progress message (PROGRESS only, may be empty)
 * @param workerId     the worker that sent it, for tracing
 */
public record ToolReply(
        int version,
        String requestId,
        ReplyKind kind,
        JsonBytes result,
        String errorCode,
        String errorMessage,
        long progress,
        long total,
        String message,
        String workerId) {

    /** 2: {@code result} is the JSON bytes (binary), no longer a decoded map. */
    public static final int VERSION = 2;

    public ToolReply {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(kind, "kind");
        result = result == null ? JsonBytes.NONE : result;
        errorCode = errorCode == null ? "" : errorCode;
        errorMessage = errorMessage == null ? "" : errorMessage;
        message = message == null ? "" : message;
        workerId = workerId == null ? "" : workerId;
    }

    public static ToolReply result(String requestId, JsonBytes result, String workerId) {
        return new ToolReply(VERSION, requestId, ReplyKind.RESULT, result, "", "", 0, 0, "", workerId);
    }

    public static ToolReply error(String requestId, ErrorCode code, String message, String workerId) {
        return new ToolReply(VERSION, requestId, ReplyKind.ERROR, JsonBytes.NONE, code.name(), message, 0, 0, "", workerId);
    }

    public static ToolReply progress(String requestId, long progress, long total, String message, String workerId) {
        return new ToolReply(VERSION, requestId, ReplyKind.PROGRESS, JsonBytes.NONE, "", "", progress, total, message, workerId);
    }
}
