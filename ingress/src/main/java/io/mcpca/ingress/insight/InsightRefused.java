package io.mcpca.ingress.insight;

import io.mcpca.shared.wire.ErrorCode;

/** An insight call refused with a code the caller can act on (bad anchor, version conflict, quota, not found). */
final class InsightRefused extends RuntimeException {

    private final ErrorCode code;

    InsightRefused(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
