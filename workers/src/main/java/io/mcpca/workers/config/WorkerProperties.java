package io.mcpca.workers.config;

import io.mcpca.workers.run.AnalyzerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Worker settings ({@code mcpca.worker.*}). */
@ConfigurationProperties("mcpca.worker")
public class WorkerProperties {

    /** Run the worker role in this process. */
    private boolean enabled = true;

    /** Pools whose request streams this worker reads. */
    private List<String> pools = new ArrayList<>(List.of("fast", "heavy"));

    /** Calls run at once per pool; also the number of warm analyzer processes per pool. */
    private int concurrency = 2;

    /** The analyzer binary; empty means the one built in rust-workers/target/release. */
    private Path analyzerPath = Path.of("");

    /**
     * The analyzers' on-disk cache of per-file results ({@code serve --cache-dir}); empty means the analyzer's
     * default, {@code ~/.cache/mcpca}, which every worker of one user on the machine shares.
     */
    private Path analyzerCacheDir = Path.of("");

    /**
     * {@code calculate-metrics} of a file smaller than this many bytes is measured directly by the analyzer, without
     * its on-disk cache or the shared per-file cache in Redis ({@code serve --small-file-bytes}): measuring a tiny
     * file costs less than a Redis round trip or a cache file (decisions 020, 036). 0 sends every file through them.
     */
    private long analyzerSmallFileBytes = 1024;

    /**
     * Per pool: batch items a read may take beyond the free slots while a batch lane has a backlog; they wait in the
     * pool's executor behind interactive calls (decision 036). Only for pools of short items (default: fast 8); in a
     * pool of long items read-ahead would hoard items other workers could run.
     */
    private Map<String, Integer> batchReadAhead = new java.util.HashMap<>(Map.of("fast", 8));

    /** Session lock lease; the watchdog extends it every third of this while a call runs. */
    private Duration lockTtl = Duration.ofSeconds(30);

    /** How long one XREADGROUP blocks waiting for work; bounds how fast a stop is noticed. */
    private Duration readBlock = Duration.ofSeconds(1);

    /** Grace period on shutdown for calls in flight. */
    private Duration shutdownGrace = Duration.ofSeconds(30);

    /**
     * An entry pending this long without its idle time being refreshed belongs to a dead or stalled
     * worker and is reclaimed. Live workers refresh what they hold every third of this.
     */
    private Duration minIdle = Duration.ofSeconds(30);

    /** How often each pool's reclaimer looks for idle entries; recovery takes at most minIdle plus this. */
    private Duration reclaimPeriod = Duration.ofSeconds(5);

    /** Deliveries after which a call goes to the dead-letter stream instead of running again. */
    private int maxDeliveries = 3;

    /** In-worker retries of a call whose analyzer process crashed, before the entry is handed back. */
    private int transientRetries = 2;

    /** Pause before the first such retry; doubles per retry (plus jitter). */
    private Duration retryBackoff = Duration.ofMillis(100);

    /** How long a session outlives its last call. */
    private Duration sessionTtl = Duration.ofHours(24);

    /** How long a queued or running call's execution record outlives its last transition. */
    private Duration executionTtl = Duration.ofHours(1);

    /**
     * How long a final execution record (SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED) is kept. The client
     * has its answer by then; 10 minutes leaves time to inspect a failure, and keeps Redis memory flat: at
     * 1,000 locked calls/s it is 600,000 records (~150 MB), where the hour of executionTtl would be 3.6 million.
     */
    private Duration terminalExecutionTtl = Duration.ofMinutes(10);

    /**
     * A session-locked call's final record keeps its reply until the entry is acknowledged, so a redelivery
     * (reply or XACK lost) answers again instead of running again; a larger reply is not kept (its redelivery
     * answers with a retryable error).
     */
    private DataSize maxKeptReply = DataSize.ofMegabytes(1);

    /**
     * Reply flusher threads, each with two connections of its own: while one waits for Redis's answers to
     * its batch, another sends the next.
     */
    private int replyFlushers = 2;

    /**
     * Run tools whose contract says {@code "sessionless": true} (ping) without the session lease, fence,
     * session write and execution record. Off: every tool takes the session-locked path (tests of the
     * locking promises use ping that way).
     */
    private boolean sessionlessFastPath = true;

    /**
     * The largest analyzer result a call may answer with. An MCP answer carries it twice (structured content
     * and text) and the official SDK clients refuse a message over 16 MiB, so a larger result fails fast with
     * RESULT_TOO_LARGE (not retryable), telling the caller to page or narrow the call.
     */
    private DataSize maxResultSize = DataSize.ofBytes(AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES);

    /** Heartbeat period of this worker's entry in the worker registry. */
    private Duration heartbeatPeriod = Duration.ofSeconds(5);

    /**
     * Port of a worker-only process's actuator ({@code /actuator/prometheus}, {@code /actuator/health}); 0: a free
     * port, found by Prometheus through the ingress's service discovery. A worker inside an ingress process uses
     * the ingress's web server instead.
     */
    private int managementPort = 8081;

    /**
     * Host name or address this worker advertises for its metrics in the worker registry; empty: the server
     * address, or the machine's address when the server listens on every interface.
     */
    private String advertisedHost = "";

    /** The checkout cache of {@code analyze-repository} ({@code mcpca.worker.checkout.*}). */
    private final CheckoutProperties checkout = new CheckoutProperties();

    public CheckoutProperties getCheckout() { return checkout; }

    /**
     * Run a large tree's {@code analyze-metrics} or {@code analyze-repository} (its first page) as shards any worker
     * of the pool takes.
     */
    private boolean shards = true;

    /**
     * A tree with fewer bytes of source than this (plus 512 per file) stays one call: ~1 s of one analyzer on
     * 2 cores cold (12-22 MB/s, BUILD-NOTES), where a shard's own costs (a walk of the listing, two Redis round
     * trips, the merge) would eat what a second worker saves.
     */
    private DataSize shardMinBytes = DataSize.ofMegabytes(16);

    /**
     * About this much source per shard: many more shards than workers, so a worker that finishes early takes the
     * next shard (balance by pull); each shard's answer (~1.5 KB per file plus a first page) stays far below
     * {@code max-result-size}.
     */
    private DataSize shardTargetBytes = DataSize.ofMegabytes(4);

    /** At most this many shards per call: each lists the whole tree again and adds to the merge. */
    private int maxShards = 32;

    public boolean isShards() { return shards; }
    public void setShards(boolean shards) { this.shards = shards; }
    public DataSize getShardMinBytes() { return shardMinBytes; }
    public void setShardMinBytes(DataSize shardMinBytes) { this.shardMinBytes = shardMinBytes; }
    public DataSize getShardTargetBytes() { return shardTargetBytes; }
    public void setShardTargetBytes(DataSize shardTargetBytes) { this.shardTargetBytes = shardTargetBytes; }
    public int getMaxShards() { return maxShards; }
    public void setMaxShards(int maxShards) { this.maxShards = maxShards; }

    public int getReplyFlushers() { return replyFlushers; }
    public void setReplyFlushers(int replyFlushers) { this.replyFlushers = Math.max(1, replyFlushers); }
    public DataSize getMaxKeptReply() { return maxKeptReply; }
    public DataSize getMaxResultSize() { return maxResultSize; }
    public void setMaxResultSize(DataSize maxResultSize) { this.maxResultSize = maxResultSize; }
    public void setMaxKeptReply(DataSize maxKeptReply) { this.maxKeptReply = maxKeptReply; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<String> getPools() { return pools; }
    public void setPools(List<String> pools) { this.pools = pools; }
    public int getConcurrency() { return concurrency; }
    public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
    public Path getAnalyzerCacheDir() { return analyzerCacheDir; }
    public void setAnalyzerCacheDir(Path analyzerCacheDir) { this.analyzerCacheDir = analyzerCacheDir; }
    public Map<String, Integer> getBatchReadAhead() { return batchReadAhead; }
    public void setBatchReadAhead(Map<String, Integer> batchReadAhead) { this.batchReadAhead = batchReadAhead; }
    public long getAnalyzerSmallFileBytes() { return analyzerSmallFileBytes; }
    public void setAnalyzerSmallFileBytes(long analyzerSmallFileBytes) { this.analyzerSmallFileBytes = analyzerSmallFileBytes; }
    public Path getAnalyzerPath() { return analyzerPath; }
    public void setAnalyzerPath(Path analyzerPath) { this.analyzerPath = analyzerPath; }
    public Duration getLockTtl() { return lockTtl; }
    public void setLockTtl(Duration lockTtl) { this.lockTtl = lockTtl; }
    public Duration getReadBlock() { return readBlock; }
    public void setReadBlock(Duration readBlock) { this.readBlock = readBlock; }
    public Duration getShutdownGrace() { return shutdownGrace; }
    public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
    public Duration getMinIdle() { return minIdle; }
    public void setMinIdle(Duration minIdle) { this.minIdle = minIdle; }
    public Duration getReclaimPeriod() { return reclaimPeriod; }
    public void setReclaimPeriod(Duration reclaimPeriod) { this.reclaimPeriod = reclaimPeriod; }
    public int getMaxDeliveries() { return maxDeliveries; }
    public void setMaxDeliveries(int maxDeliveries) { this.maxDeliveries = maxDeliveries; }
    public int getTransientRetries() { return transientRetries; }
    public void setTransientRetries(int transientRetries) { this.transientRetries = transientRetries; }
    public Duration getRetryBackoff() { return retryBackoff; }
    public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
    public Duration getSessionTtl() { return sessionTtl; }
    public void setSessionTtl(Duration sessionTtl) { this.sessionTtl = sessionTtl; }
    public Duration getExecutionTtl() { return executionTtl; }
    public void setExecutionTtl(Duration executionTtl) { this.executionTtl = executionTtl; }
    public Duration getTerminalExecutionTtl() { return terminalExecutionTtl; }
    public void setTerminalExecutionTtl(Duration terminalExecutionTtl) { this.terminalExecutionTtl = terminalExecutionTtl; }
    public boolean isSessionlessFastPath() { return sessionlessFastPath; }
    public void setSessionlessFastPath(boolean sessionlessFastPath) { this.sessionlessFastPath = sessionlessFastPath; }
    public Duration getHeartbeatPeriod() { return heartbeatPeriod; }
    public void setHeartbeatPeriod(Duration heartbeatPeriod) { this.heartbeatPeriod = heartbeatPeriod; }
    public int getManagementPort() { return managementPort; }
    public void setManagementPort(int managementPort) { this.managementPort = managementPort; }
    public String getAdvertisedHost() { return advertisedHost; }
    public void setAdvertisedHost(String advertisedHost) { this.advertisedHost = advertisedHost; }
}
