package io.mcpca.workers.checkout;

import io.mcpca.shared.wire.ErrorCode;

/** A repository that cannot be checked out, with the error code its call answers; messages never carry credentials. */
public final class CheckoutException extends RuntimeException {

    private final ErrorCode code;

    public CheckoutException(ErrorCode code, String message) {
        super(GitUrls.redact(message), null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
