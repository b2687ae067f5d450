package io.mcpca.workers.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * The repository checkout cache of {@code analyze-repository} ({@code mcpca.worker.checkout.*}); see
 * {@link io.mcpca.workers.checkout.CheckoutCache} and decision 017.
 */
public class CheckoutProperties {

    /**
     * Where checkouts live, one directory per commit; empty means {@code ~/.cache/mcpca/checkouts}. A second
     * worker process that finds it taken uses a private subdirectory of its own.
     */
    private Path dir = Path.of("");

    /**
     * Bound of the whole cache (checked-out files plus each shallow {@code .git}); least recently used
     * checkouts go first. 2 GiB holds a few dozen mid-sized repositories on a worker's disk.
     */
    private DataSize maxSize = DataSize.ofGigabytes(2);

    /** Longest one clone (ls-remote, fetch and checkout together) may take; also never past the call's deadline. */
    private Duration cloneTimeout = Duration.ofMinutes(2);

    /**
     * Largest one checkout may grow to on disk while it is fetched and checked out; a larger repository is
     * refused (BAD_ARGUMENTS) and its partial clone deleted. A quarter of the cache, so one clone never
     * empties it.
     */
    private DataSize cloneMaxSize = DataSize.ofMegabytes(512);

    /**
     * Remote repositories callers may name, besides {@code file://} URLs and paths under a root (always
     * allowed): {@code scheme://host} or {@code scheme://host/path-prefix}, host may be {@code *.domain};
     * schemes https, http, ssh, git. Empty: no remote repository.
     */
    private List<String> allowedUrls = new ArrayList<>();

    public Path getDir() { return dir; }
    public void setDir(Path dir) { this.dir = dir; }
    public DataSize getMaxSize() { return maxSize; }
    public void setMaxSize(DataSize maxSize) { this.maxSize = maxSize; }
    public Duration getCloneTimeout() { return cloneTimeout; }
    public void setCloneTimeout(Duration cloneTimeout) { this.cloneTimeout = cloneTimeout; }
    public DataSize getCloneMaxSize() { return cloneMaxSize; }
    public void setCloneMaxSize(DataSize cloneMaxSize) { this.cloneMaxSize = cloneMaxSize; }
    public List<String> getAllowedUrls() { return allowedUrls; }
    public void setAllowedUrls(List<String> allowedUrls) { this.allowedUrls = allowedUrls; }
}
