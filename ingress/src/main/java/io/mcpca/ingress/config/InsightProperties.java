package io.mcpca.ingress.config;

import io.mcpca.ingress.insight.InsightLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Codebase insights ({@code mcpca.insights.*}): how long they live and how much one principal may keep. */
@ConfigurationProperties("mcpca.insights")
public class InsightProperties {

    /** An insight lives this long after its last store or update (a month of an agent's work on a codebase). */
    private Duration retention = Duration.ofDays(30);
    /** Insights per principal: at 16 KiB of text at most, 10,000 bound one principal to ~160 MB of Redis. */
    private int maxPerPrincipal = 10_000;
    /** Text of one insight: a long note, not a document. */
    private DataSize maxTextBytes = DataSize.ofKilobytes(16);
    /** Anchors of one insight: every retrieve hashes each anchor's file, so their number bounds its cost. */
    private int maxAnchors = 50;
    private int maxTags = 20;
    /** Largest anchored file (hashed on store and on every retrieve): larger than any source file. */
    private DataSize maxAnchoredFile = DataSize.ofMegabytes(64);

    public InsightLimits limits() {
        return new InsightLimits(retention, maxPerPrincipal, (int) maxTextBytes.toBytes(), maxAnchors, maxTags,
                maxAnchoredFile.toBytes());
    }

    public Duration getRetention() { return retention; }
    public void setRetention(Duration retention) { this.retention = retention; }
    public int getMaxPerPrincipal() { return maxPerPrincipal; }
    public void setMaxPerPrincipal(int max) { this.maxPerPrincipal = max; }
    public DataSize getMaxTextBytes() { return maxTextBytes; }
    public void setMaxTextBytes(DataSize max) { this.maxTextBytes = max; }
    public int getMaxAnchors() { return maxAnchors; }
    public void setMaxAnchors(int maxAnchors) { this.maxAnchors = maxAnchors; }
    public int getMaxTags() { return maxTags; }
    public void setMaxTags(int maxTags) { this.maxTags = maxTags; }
    public DataSize getMaxAnchoredFile() { return maxAnchoredFile; }
    public void setMaxAnchoredFile(DataSize max) { this.maxAnchoredFile = max; }
}
