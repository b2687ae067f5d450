package io.mcpca.shared.paths;

import io.mcpca.shared.wire.ErrorCode;

/** A requested path that is not allowed or does not exist; the message is safe to show the caller. */
public class PathRejectedException extends RuntimeException {

    private final ErrorCode code;

    public PathRejectedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
