package io.mcpca.shared.config;

import io.mcpca.shared.codec.Compression;
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

    /**
     * Approximate cap on each request stream's length (XADD MAXLEN ~), so Redis memory stays bounded.
     * Trimming drops the oldest entries, acknowledged or not: it can lose unread calls only when one
     * partition holds more than this many entries. The ingress refuses new calls (OVERLOADED) long before:
     * {@code mcpca.ingress.max-pool-backlog} (10,000 waiting or running per pool) is a tenth of it. A
     * no-op entry is ~300 bytes, so 100,000 entries are ~30 MB per partition at most.
     */
    private long requestStreamMaxLen = 100_000;

    /** Approximate cap on each reply stream's length; replies are read within milliseconds. */
    private long replyStreamMaxLen = 100_000;

    /**
     * Stream entries (requests, replies) whose encoded record is longer are deflated. 8 KiB: below it the
     * saving is at most a few KiB per entry and not worth the CPU (see {@code Compression}).
     */
    private int compressAboveBytes = Compression.DEFAULT_THRESHOLD_BYTES;

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
    public int getCompressAboveBytes() { return compressAboveBytes; }
    public void setCompressAboveBytes(int compressAboveBytes) { this.compressAboveBytes = compressAboveBytes; }
    public void setReplyStreamMaxLen(long replyStreamMaxLen) { this.replyStreamMaxLen = replyStreamMaxLen; }

    /** Batches ({@code submit-batch}): limits and lifetimes, read by the ingress and the workers alike. */
    private final Batch batch = new Batch();

    public Batch getBatch() { return batch; }

    /** {@code mcpca.batch.*}; see docs/decisions/016-batches.md for where each number comes from. */
    public static class Batch {
        /** Items in one batch: the 10,000-item batch, with headroom. */
        private int maxItems = 20_000;
        /** Encoded bytes of one batch's items (their arguments): 64 MiB of request entries is still a few seconds of XADDs. */
        private org.springframework.util.unit.DataSize maxBytes = org.springframework.util.unit.DataSize.ofMegabytes(64);
        /** Unfinished batches per principal at once. */
        private int maxActivePerPrincipal = 10;
        /** Items waiting in one pool's batch lane (over every batch): below request-stream-max-len, so no trim drops one. */
        private long maxQueuedItems = 90_000;
        /** Deadline of a batch that names none, and the longest one may name. */
        private java.time.Duration defaultDeadline = java.time.Duration.ofHours(1);
        private java.time.Duration maxDeadline = java.time.Duration.ofHours(24);
        /** How long a batch's record and results stay after its deadline. */
        private java.time.Duration retention = java.time.Duration.ofHours(24);
        /** Results up to this size are kept in the item's outcome; larger ones are stored content-addressed. */
        private org.springframework.util.unit.DataSize inlineResultMax = org.springframework.util.unit.DataSize.ofKilobytes(16);
        /** Batches listed per principal (the index is trimmed to this many). */
        private int listMax = 100;

        public int getMaxItems() { return maxItems; }
        public void setMaxItems(int maxItems) { this.maxItems = maxItems; }
        public org.springframework.util.unit.DataSize getMaxBytes() { return maxBytes; }
        public void setMaxBytes(org.springframework.util.unit.DataSize maxBytes) { this.maxBytes = maxBytes; }
        public int getMaxActivePerPrincipal() { return maxActivePerPrincipal; }
        public void setMaxActivePerPrincipal(int max) { this.maxActivePerPrincipal = max; }
        public long getMaxQueuedItems() { return maxQueuedItems; }
        public void setMaxQueuedItems(long maxQueuedItems) { this.maxQueuedItems = maxQueuedItems; }
        public java.time.Duration getDefaultDeadline() { return defaultDeadline; }
        public void setDefaultDeadline(java.time.Duration d) { this.defaultDeadline = d; }
        public java.time.Duration getMaxDeadline() { return maxDeadline; }
        public void setMaxDeadline(java.time.Duration d) { this.maxDeadline = d; }
        public java.time.Duration getRetention() { return retention; }
        public void setRetention(java.time.Duration retention) { this.retention = retention; }
        public org.springframework.util.unit.DataSize getInlineResultMax() { return inlineResultMax; }
        public void setInlineResultMax(org.springframework.util.unit.DataSize s) { this.inlineResultMax = s; }
        public int getListMax() { return listMax; }
        public void setListMax(int listMax) { this.listMax = listMax; }

        /** The longest any batch lives: a referenced result is kept this long, so it outlives its batch. */
        public java.time.Duration longestLifetime() {
            return maxDeadline.plus(retention);
        }
    }

    /** Production Redis: TLS material and the durability knob ({@code mcpca.redis.*}; docs/decisions/031). */
    private final Redis redis = new Redis();

    public Redis getRedis() { return redis; }

    /** {@code mcpca.redis.*}: what a production Redis needs beyond {@code mcpca.redis-url}. */
    public static class Redis {
        /**
         * Replicas that must confirm (WAIT) each request appended by the ingress and each batch of replies written by a
         * worker before it counts as done; 0: no WAIT. On a Cluster each WAIT goes to the master that took the write.
         * Fewer replicas than asked are counted and logged, and the write stands (docs/decisions/031).
         */
        private int waitReplicas = 0;
        /** How long one WAIT may block: a LAN replica confirms within a millisecond or two; 1 s rides out a hiccup. */
        private java.time.Duration waitTimeout = java.time.Duration.ofSeconds(1);
        /**
         * How long a starting process asks again for a Redis it cannot reach (once a second) before it gives up: a
         * Redis that starts beside it, or a Sentinel failover (some 5 s), is waited for; a refusal is not.
         */
        private java.time.Duration startupWait = java.time.Duration.ofSeconds(30);
        private final Tls tls = new Tls();
        private final Sentinel sentinel = new Sentinel();

        public int getWaitReplicas() { return waitReplicas; }
        public void setWaitReplicas(int waitReplicas) { this.waitReplicas = waitReplicas; }
        public java.time.Duration getWaitTimeout() { return waitTimeout; }
        public void setWaitTimeout(java.time.Duration waitTimeout) { this.waitTimeout = waitTimeout; }
        public java.time.Duration getStartupWait() { return startupWait; }
        public void setStartupWait(java.time.Duration startupWait) { this.startupWait = startupWait; }
        public Tls getTls() { return tls; }
        public Sentinel getSentinel() { return sentinel; }

        public io.mcpca.shared.redis.ReplicaWait replicaWait() {
            return new io.mcpca.shared.redis.ReplicaWait(waitReplicas, waitTimeout);
        }

        public io.mcpca.shared.redis.RedisClientSettings clientSettings() {
            return new io.mcpca.shared.redis.RedisClientSettings(java.util.Optional.ofNullable(tls.caFile),
                    java.util.Optional.ofNullable(tls.certFile), java.util.Optional.ofNullable(tls.keyFile),
                    java.util.Optional.ofNullable(tls.verifyPeer), sentinel.auth());
        }
    }

    /**
     * {@code mcpca.redis.sentinel.*}: for Sentinels that ask for a password ({@code requirepass} in sentinel.conf). The
     * user and password in a {@code redis-sentinel://} URL are the master's and replicas', not the Sentinels'.
     */
    public static class Sentinel {
        /** The Sentinels' ACL user; unset: {@code default}. */
        private String username;
        /** The Sentinels' password; unset: the Sentinels are asked without one. */
        private String password;

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }

        java.util.Optional<io.mcpca.shared.redis.RedisClientSettings.SentinelAuth> auth() {
            if (password == null || password.isEmpty()) {
                if (username != null && !username.isEmpty()) {
                    throw new IllegalArgumentException("mcpca.redis.sentinel.username is set without "
                            + "mcpca.redis.sentinel.password");
                }
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new io.mcpca.shared.redis.RedisClientSettings.SentinelAuth(
                    java.util.Optional.ofNullable(username).filter(u -> !u.isEmpty()), password));
        }
    }

    /** {@code mcpca.redis.tls.*}, for a {@code rediss://} URL; PEM files (see RedisClientSettings). */
    public static class Tls {
        /** CA certificates to trust; unset: the JVM's trust store. */
        private Path caFile;
        /** Client certificate chain, for a server with tls-auth-clients; with key-file. */
        private Path certFile;
        /** The client certificate's key, unencrypted PKCS#8. */
        private Path keyFile;
        /** FULL (chain and host name), CA (chain only) or NONE; unset: the URL's verifyPeer, else FULL. */
        private io.lettuce.core.SslVerifyMode verifyPeer;

        public Path getCaFile() { return caFile; }
        public void setCaFile(Path caFile) { this.caFile = caFile; }
        public Path getCertFile() { return certFile; }
        public void setCertFile(Path certFile) { this.certFile = certFile; }
        public Path getKeyFile() { return keyFile; }
        public void setKeyFile(Path keyFile) { this.keyFile = keyFile; }
        public io.lettuce.core.SslVerifyMode getVerifyPeer() { return verifyPeer; }
        public void setVerifyPeer(io.lettuce.core.SslVerifyMode verifyPeer) { this.verifyPeer = verifyPeer; }
    }
}
