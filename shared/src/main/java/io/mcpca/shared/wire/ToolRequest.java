package io.mcpca.shared.wire;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One tool call on its way from an ingress to a worker, as appended to a request stream.
 *
 * @param version        wire version of this record; readers refuse versions they do not know
 * @param requestId      unique per call; the key for exactly-once answers
 * @param sessionId      analysis session; calls of one session never run concurrently
 * @param principal      the authenticated caller
 * @param tool           tool name, e.g. {@code calculate-metrics}
 * @param toolVersion    version of the tool contract the ingress validated against
 * @param arguments      validated arguments (JSON-shaped values)
 * @param replyTo        reply stream key of the ingress waiting for the answer
 * @param deadlineEpochMs after this instant the answer is no longer wanted
 * @param attempt        1 for the first delivery, +1 per reclaim
 * @param correlationId  caller-supplied or generated id for tracing
 * @param batchId        batch this call belongs to, or empty
 */
public record ToolRequest(
        int version,
        String requestId,
        String sessionId,
        String principal,
        String tool,
        String toolVersion,
        Map<String, Object> arguments,
        String replyTo,
        long deadlineEpochMs,
        int attempt,
        String correlationId,
        String batchId) {

    public static final int VERSION = 1;

    public ToolRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(toolVersion, "toolVersion");
        arguments = arguments == null ? Map.of() : arguments;
        Objects.requireNonNull(replyTo, "replyTo");
        correlationId = correlationId == null ? requestId : correlationId;
        batchId = batchId == null ? "" : batchId;
    }

    public Optional<String> batch() {
        return batchId.isEmpty() ? Optional.empty() : Optional.of(batchId);
    }
}
