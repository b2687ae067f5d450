package io.mcpca.ingress.insight;

import io.mcpca.ingress.mcp.IngressAnswered;
import io.mcpca.shared.wire.ErrorCode;

/** An insight call refused with a code the caller can act on (bad anchor, version conflict, quota, not found). */
final class InsightRefused extends IngressAnswered.Refused {

    InsightRefused(ErrorCode code, String message) {
        super(code, message);
    }
}
