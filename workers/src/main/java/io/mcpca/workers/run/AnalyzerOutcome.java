package io.mcpca.workers.run;

import io.mcpca.shared.wire.ErrorCode;
import java.util.Map;

/**
 * What one analyzer call ended with: a result, or an error with a code.
 *
 * @param result       the result object (empty on error)
 * @param error        the error code, or null-free {@link ErrorCode#INTERNAL} placeholder when succeeded
 * @param errorMessage empty when succeeded
 * @param succeeded    whether {@code result} holds the answer
 */
public record AnalyzerOutcome(Map<String, Object> result, ErrorCode error, String errorMessage, boolean succeeded) {

    public static AnalyzerOutcome success(Map<String, Object> result) {
        return new AnalyzerOutcome(result, ErrorCode.INTERNAL, "", true);
    }

    public static AnalyzerOutcome failure(ErrorCode error, String message) {
        return new AnalyzerOutcome(Map.of(), error, message, false);
    }
}
