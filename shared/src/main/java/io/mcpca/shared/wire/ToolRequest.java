package io.mcpca.shared.wire;

import java.util.Map;
import java.util.Objects;

/**
 * One tool call on its way from an ingress to a worker, as appended to a request stream.
 *
 * @param version         wire version of this record; readers refuse versions they do not know
 * @param requestId       unique per call; the key for exactly-once answers
 * @param sessionId       analysis session; calls of one session never run concurrently
 * @param tool            tool name, e.g. {@code calculate-metrics}
 * @param arguments       validated arguments (JSON-shaped values)
 * @param replyTo         reply stream key of the ingress waiting for the answer
 * @param deadlineEpochMs after this instant the answer is no longer wanted
 * @param correlationId   the caller's id for the call (its {@code _meta.correlationId}) or one the ingress made,
 *                        logged with every line of the call in every process; empty in entries of older writers
 * @param batchId         the batch this call is an item of ({@code submit-batch}; its request id is then
 *                        {@code <batchId>:<index>}), or empty for an ordinary call
 */
public record ToolRequest(
        int version,
        String requestId,
        String sessionId,
        String tool,
        Map<String, Object> arguments,
        String replyTo,
        long deadlineEpochMs,
        String correlationId,
        String batchId) {

    /**
     * 2: principal, toolVersion, attempt, correlationId and batchId left (no worker read them); batchId came back
     * as a trailing field (issue 15) without a version change: readers ignore unknown fields and a missing one
     * reads as empty, so old and new processes read each other's entries.
     */
    public static final int VERSION = 2;

    public ToolRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(tool, "tool");
        arguments = arguments == null ? Map.of() : arguments;
        Objects.requireNonNull(replyTo, "replyTo");
        // trailing fields: entries written before them decode with none (still version 2)
        correlationId = correlationId == null ? "" : correlationId;
        batchId = batchId == null ? "" : batchId;
    }

    /** An ordinary call without a correlation id (tests, benchmarks, tools that make their own calls). */
    public ToolRequest(int version, String requestId, String sessionId, String tool, Map<String, Object> arguments,
                       String replyTo, long deadlineEpochMs) {
        this(version, requestId, sessionId, tool, arguments, replyTo, deadlineEpochMs, "", "");
    }

    /** Whether this call is an item of a batch. */
    public boolean inBatch() {
        return !batchId.isEmpty();
    }
}
