package io.mcpca.ingress.submit;

import io.mcpca.shared.wire.ErrorCode;
import java.time.Duration;
import java.util.Optional;

/** A call the ingress would not queue: the pool is overloaded, or Redis is unavailable. */
public final class SubmitRefusedException extends RuntimeException {

    private final ErrorCode code;
    private final Optional<Duration> retryAfter;
    private final Refusal reason;

    public SubmitRefusedException(ErrorCode code, String message, Optional<Duration> retryAfter, Throwable cause) {
        this(code, message, retryAfter, cause, Refusal.REDIS_ERROR);
    }

    public SubmitRefusedException(ErrorCode code, String message, Optional<Duration> retryAfter, Throwable cause,
                                  Refusal reason) {
        super(message, cause);
        this.code = code;
        this.retryAfter = retryAfter;
        this.reason = reason;
    }

    /** Why it was refused (the meters' reason tag). */
    public Refusal reason() {
        return reason;
    }

    public ErrorCode code() {
        return code;
    }

    /** A hint for the client: retrying sooner will most likely be refused again. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
