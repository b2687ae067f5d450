package io.mcpca.workers.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Result cache settings ({@code mcpca.cache.*}). */
@ConfigurationProperties("mcpca.cache")
public class ResultCacheProperties {

    /** Look results up before running an analyzer, and store them after. */
    private boolean enabled = true;

    /** Tools whose results are cached: deterministic ones only (ping reports pids and times). */
    private List<String> tools = new ArrayList<>(List.of("calculate-metrics", "analyze-metrics", "analyze-repository",
            "analyze-dependencies", "analyze-quality"));

    /**
     * Lifetime of a result in Redis and in process. An hour keeps an agent's working set warm through
     * a session while bounding Redis memory and the staleness of directory digests (see ResultDigest).
     */
    private Duration resultTtl = Duration.ofHours(1);

    /** Bound of the in-process cache by the stored size of its entries; 64 MiB is a few thousand file results. */
    private long l1MaxBytes = 64L * 1024 * 1024;

    /** Stored results larger than this are deflated (same threshold as stream entries). */
    private int compressAboveBytes = 8 * 1024;

    /**
     * Share per-file analyzer results between workers through Redis: a worker whose analyzer has not
     * measured a file yet (another machine, a fresh one) reads what any worker measured, keyed by the
     * analyzer build and the file's content hash, instead of parsing it.
     */
    private boolean sharedFiles = true;

    /**
     * Lifetime of a shared per-file result in Redis. A day outlives an agent's working session on a
     * repository; an edited file is another key, so the TTL only bounds memory, never staleness.
     */
    private Duration sharedFileTtl = Duration.ofHours(24);

    /**
     * Lifetime of a shared knowledge graph in Redis (decision 023). Graphs are keyed by the tree's content
     * snapshot, so the TTL bounds memory, never staleness; six hours covers an agent's session on a tree.
     */
    private Duration knowledgeGraphTtl = Duration.ofHours(6);

    /**
     * A knowledge graph larger than this is not shared (each worker's analyzer keeps its own on disk): 16 MiB is
     * the graph of a ~1M-line tree, and bounds what one snapshot costs Redis.
     */
    private long knowledgeGraphMaxBytes = 16L * 1024 * 1024;

    public Duration getKnowledgeGraphTtl() { return knowledgeGraphTtl; }
    public void setKnowledgeGraphTtl(Duration knowledgeGraphTtl) { this.knowledgeGraphTtl = knowledgeGraphTtl; }
    public long getKnowledgeGraphMaxBytes() { return knowledgeGraphMaxBytes; }
    public void setKnowledgeGraphMaxBytes(long knowledgeGraphMaxBytes) { this.knowledgeGraphMaxBytes = knowledgeGraphMaxBytes; }
    public boolean isSharedFiles() { return sharedFiles; }
    public void setSharedFiles(boolean sharedFiles) { this.sharedFiles = sharedFiles; }
    public Duration getSharedFileTtl() { return sharedFileTtl; }
    public void setSharedFileTtl(Duration sharedFileTtl) { this.sharedFileTtl = sharedFileTtl; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<String> getTools() { return tools; }
    public void setTools(List<String> tools) { this.tools = tools; }
    public Duration getResultTtl() { return resultTtl; }
    public void setResultTtl(Duration resultTtl) { this.resultTtl = resultTtl; }
    public long getL1MaxBytes() { return l1MaxBytes; }
    public void setL1MaxBytes(long l1MaxBytes) { this.l1MaxBytes = l1MaxBytes; }
    public int getCompressAboveBytes() { return compressAboveBytes; }
    public void setCompressAboveBytes(int compressAboveBytes) { this.compressAboveBytes = compressAboveBytes; }
}
