package io.mcpca.ingress.insight;

import java.time.Duration;

/**
 * Bounds on codebase insights ({@code mcpca.insights.*}); the numbers and where they come from are in
 * {@code InsightProperties}.
 *
 * @param retention            how long an insight lives after its last store or update
 * @param maxPerPrincipal      insights one principal may hold
 * @param maxTextBytes         UTF-8 bytes of one insight's text
 * @param maxAnchors           anchors of one insight
 * @param maxTags              tags of one insight
 * @param maxAnchoredFileBytes largest file an anchor may point at (it is hashed on store and on every retrieval)
 */
public record InsightLimits(Duration retention, int maxPerPrincipal, int maxTextBytes, int maxAnchors, int maxTags,
                            long maxAnchoredFileBytes) {
}
