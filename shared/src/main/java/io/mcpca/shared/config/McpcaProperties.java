package io.mcpca.shared.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings both services read ({@code mcpca.*}). Defaults suit one process on a laptop.
 */
@ConfigurationProperties("mcpca")
public class McpcaProperties {

    /** Prefix of every Redis key, so several deployments or tests can share one Redis. */
    private String prefix = "mcpca";

    /**
     * Redis to use: a {@code redis://} or {@code rediss://} URI, or {@code auto} (use 127.0.0.1:6379 if it
     * answers, else start a private redis-server on a free port).
     */
    private String redisUrl = "auto";

    /** Directories callers may analyse; every path argument must resolve inside one. Default: the working directory. */
    private List<Path> roots = new ArrayList<>(List.of(Path.of(".")));

    /** Request-stream partitions per pool; calls of one session always map to the same partition. */
    private int partitions = 4;

    /** Codec for new stream entries: msgpack, or json to read entries with redis-cli. */
    private String codec = "msgpack";

    /** Approximate cap on each request stream's length (XADD MAXLEN ~). */
    private long requestStreamMaxLen = 1_000_000;

    /** Approximate cap on each reply stream's length; replies are read within milliseconds. */
    private long replyStreamMaxLen = 100_000;

    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
    public String getRedisUrl() { return redisUrl; }
    public void setRedisUrl(String redisUrl) { this.redisUrl = redisUrl; }
    public List<Path> getRoots() { return roots; }
    public void setRoots(List<Path> roots) { this.roots = roots; }
    public int getPartitions() { return partitions; }
    public void setPartitions(int partitions) { this.partitions = partitions; }
    public String getCodec() { return codec; }
    public void setCodec(String codec) { this.codec = codec; }
    public long getRequestStreamMaxLen() { return requestStreamMaxLen; }
    public void setRequestStreamMaxLen(long requestStreamMaxLen) { this.requestStreamMaxLen = requestStreamMaxLen; }
    public long getReplyStreamMaxLen() { return replyStreamMaxLen; }
    public void setReplyStreamMaxLen(long replyStreamMaxLen) { this.replyStreamMaxLen = replyStreamMaxLen; }
}
