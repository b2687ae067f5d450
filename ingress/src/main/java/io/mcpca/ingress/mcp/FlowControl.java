package io.mcpca.ingress.mcp;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.ingress.metrics.IngressMeters;
import io.mcpca.ingress.security.PrincipalRateLimits;
import io.mcpca.ingress.submit.CancelPublisher;
import io.mcpca.ingress.submit.SubmitGate;
import java.util.Optional;

/**
 * What a tool call passes through besides the reply router: the guarded way into Redis, rate limits,
 * the inline argument size limit, cancellation, and the local fallback.
 *
 * @param gate                   backpressure + circuit breaker + XADD
 * @param rateLimits             per-principal call rates
 * @param maxInlineArgumentBytes largest string argument (inline {@code content}) in UTF-8 bytes
 * @param maxInlineCallBytes     most UTF-8 bytes of all string arguments of one call together (the items of
 *                               {@code analyze-files})
 * @param cancels                publishes cancel events for the workers
 * @param inFlight               running calls by MCP session and JSON-RPC id, for notifications/cancelled
 * @param local                  runs calls in-process while Redis is unreachable ({@code mcpca.fallback=local})
 * @param meters                 counts refusals (and, in {@link McpServerFactory}, calls)
 */
public record FlowControl(SubmitGate gate, PrincipalRateLimits rateLimits, int maxInlineArgumentBytes,
                          long maxInlineCallBytes, CancelPublisher cancels, InFlightCalls inFlight,
                          Optional<LocalCalls> local, IngressMeters meters) {
}
