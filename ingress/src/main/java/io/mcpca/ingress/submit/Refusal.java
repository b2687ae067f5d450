package io.mcpca.ingress.submit;

import java.util.Locale;

/**
 * Why the ingress refused to queue a call: the {@code reason} tag of {@code mcpca.ingress.submit.refused}.
 * {@link #REDIS_ERROR} (the append itself failed) is a failure rather than a policy, and is not counted as one.
 */
public enum Refusal {
    /** the pool's backlog (lag + pending) is past {@code mcpca.ingress.max-pool-backlog} */
    BACKPRESSURE,
    /** the principal is over {@code mcpca.ingress.rate-limit-per-second} */
    RATE_LIMIT,
    /** the circuit breaker around Redis is open */
    BREAKER,
    /** an inline argument is larger than {@code mcpca.ingress.max-inline-argument-bytes} */
    PAYLOAD,
    /** the append to Redis failed */
    REDIS_ERROR;

    /** The tag value: lower case, as in the meter catalogue. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
