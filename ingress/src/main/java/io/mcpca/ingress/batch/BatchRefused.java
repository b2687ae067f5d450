package io.mcpca.ingress.batch;

import io.mcpca.shared.wire.ErrorCode;

/** A batch request refused with a wire error code (bad arguments, a limit, not found): the caller's to fix. */
public final class BatchRefused extends RuntimeException {

    private final ErrorCode code;

    public BatchRefused(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
