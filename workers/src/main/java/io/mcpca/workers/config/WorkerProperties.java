package io.mcpca.workers.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

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

    /** Session lock lease; the watchdog extends it every third of this while a call runs. */
    private Duration lockTtl = Duration.ofSeconds(30);

    /** How long one XREADGROUP blocks waiting for work; bounds how fast a stop is noticed. */
    private Duration readBlock = Duration.ofSeconds(1);

    /** Grace period on shutdown for calls in flight. */
    private Duration shutdownGrace = Duration.ofSeconds(30);

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<String> getPools() { return pools; }
    public void setPools(List<String> pools) { this.pools = pools; }
    public int getConcurrency() { return concurrency; }
    public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
    public Path getAnalyzerPath() { return analyzerPath; }
    public void setAnalyzerPath(Path analyzerPath) { this.analyzerPath = analyzerPath; }
    public Duration getLockTtl() { return lockTtl; }
    public void setLockTtl(Duration lockTtl) { this.lockTtl = lockTtl; }
    public Duration getReadBlock() { return readBlock; }
    public void setReadBlock(Duration readBlock) { this.readBlock = readBlock; }
    public Duration getShutdownGrace() { return shutdownGrace; }
    public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
}
