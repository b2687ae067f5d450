package io.mcpca.ingress.batch;

import io.mcpca.ingress.mcp.IngressAnswered;
import io.mcpca.shared.wire.ErrorCode;

/** A batch request refused with a wire error code (bad arguments, a limit, not found): the caller's to fix. */
public final class BatchRefused extends IngressAnswered.Refused {

    public BatchRefused(ErrorCode code, String message) {
        super(code, message);
    }
}
