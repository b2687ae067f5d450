package io.mcpca.shared.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Real Sentinel for tests: a master, a replica of it and three {@code redis-sentinel}s watching them (quorum 2),
 * tuned as docs/decisions/031 says: the master is judged down after 2 s without an answer, a failover may take 3 s (a failed election is retried after twice that).
 * Lifecycle: 1. {@link #start} waits until every Sentinel sees the replica and the other two Sentinels (before that a
 * failover has no quorum); 2. {@link #killMaster} ends the master as a crash would; 3. {@link #awaitPromotion} waits
 * until the Sentinels name the replica as master; 4. {@link #restartOldMaster} starts it again (empty, as a supervisor
 * would) for the Sentinels to turn into a replica of the new master; 5. {@link #close}.
 */
public final class SentinelTopology implements AutoCloseable {

    public static final String MASTER_ID = "mcpca";
    /** Sentinel options: 2 s without an answer and the master is down (the default 30 s is for WANs). */
    private static final List<String> TIMING = List.of("sentinel down-after-milliseconds " + MASTER_ID + " 2000",
            "sentinel failover-timeout " + MASTER_ID + " 3000", "sentinel parallel-syncs " + MASTER_ID + " 1");

    private final RedisNode first;
    private final RedisNode second;
    private final List<RedisNode> sentinels;
    /** The Sentinels' own password ({@code requirepass} in their config), if they ask for one. */
    private final Optional<String> sentinelPassword;
    private RedisNode master;

    private SentinelTopology(RedisNode first, RedisNode second, List<RedisNode> sentinels,
                             Optional<String> sentinelPassword) {
        this.first = first;
        this.second = second;
        this.sentinels = sentinels;
        this.sentinelPassword = sentinelPassword;
        this.master = first;
    }

    public static SentinelTopology start(Path dir) {
        return start(dir, List.of());
    }

    /**
     * As above, {@code serverLines} added to the master's and the replica's config (e.g. {@code aclfile path}; the
     * default user must stay usable without a password, as the replica and the Sentinels connect as it).
     */
    public static SentinelTopology start(Path dir, List<String> serverLines) {
        return start(dir, serverLines, List.of(), Optional.empty());
    }

    /**
     * As above, {@code sentinelLines} added to each Sentinel's config after its {@code monitor} line (e.g. {@code
     * sentinel auth-pass mcpca PASSWORD} for data nodes with a password), and Sentinels that ask for {@code
     * sentinelPassword} when given (and give it to each other: {@code sentinel sentinel-pass}).
     */
    public static SentinelTopology start(Path dir, List<String> serverLines, List<String> sentinelLines,
                                         Optional<String> sentinelPassword) {
        RedisNode master = RedisNode.server(dir, "master", serverLines);
        List<String> replicaLines = new ArrayList<>(serverLines);
        replicaLines.add("replicaof 127.0.0.1 " + master.port());
        RedisNode replica = RedisNode.server(dir, "replica", replicaLines);
        List<RedisNode> sentinels = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> config = new ArrayList<>(List.of(
                    "sentinel monitor " + MASTER_ID + " 127.0.0.1 " + master.port() + " 2"));
            config.addAll(TIMING);
            config.addAll(sentinelLines);
            sentinelPassword.ifPresent(p -> config.addAll(List.of("requirepass " + p, "sentinel sentinel-pass " + p)));
            sentinels.add(RedisNode.sentinel(dir, "sentinel-" + i, config));
        }
        SentinelTopology topology = new SentinelTopology(master, replica, sentinels, sentinelPassword);
        topology.awaitFormed(Duration.ofSeconds(30));
        return topology;
    }

    /** The URL the processes use: every Sentinel, the master by its name (Lettuce asks a Sentinel for it). */
    public String uri() {
        return "redis-sentinel://" + sentinels.stream().map(RedisNode::address).collect(Collectors.joining(","))
                + "?sentinelMasterId=" + MASTER_ID;
    }

    public RedisNode master() {
        return master;
    }

    /** The master, ended at once; returns when the process is gone. */
    public void killMaster() {
        master.kill();
    }

    /** Waits until a Sentinel names the other server as master; returns how long that took. */
    public Duration awaitPromotion(Duration timeout) {
        RedisNode expected = master == first ? second : first;
        long start = System.nanoTime();
        long until = start + timeout.toNanos();
        while (System.nanoTime() < until) {
            // every Sentinel, not one: a client asking a Sentinel that has not heard of the promotion yet would be
            // sent to the old master's address, where restartOldMaster starts an empty master
            if (sentinels.stream().allMatch(sentinel -> masterPortSeenBy(sentinel) == expected.port())) {
                master = expected;
                return Duration.ofNanos(System.nanoTime() - start);
            }
            sleep(50);
        }
        throw new IllegalStateException("no promotion within " + timeout + "; the Sentinels' logs:\n"
                + sentinels.stream().map(RedisNode::log).collect(Collectors.joining("\n---\n")));
    }

    /** Starts the killed master again, empty; the Sentinels make it a replica of the new master. */
    public void restartOldMaster() {
        (master == first ? second : first).start();
    }

    /** A connection to the current master itself (not through the Sentinels), for checks. */
    public String masterUri() {
        return "redis://" + master.address();
    }

    private void awaitFormed(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < until) {
            boolean formed = true;
            for (RedisNode sentinel : sentinels) {
                Map<String, String> state = masterState(sentinel);
                last = state.toString();
                formed &= "1".equals(state.get("num-slaves")) && "2".equals(state.get("num-other-sentinels"));
            }
            if (formed) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the Sentinels did not see the replica and each other within " + timeout
                + ": " + last);
    }

    private Map<String, String> masterState(RedisNode sentinel) {
        RedisClient client = RedisClient.create(sentinelUri(sentinel));
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
            return c.sync().master(MASTER_ID);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private int masterPortSeenBy(RedisNode sentinel) {
        RedisClient client = RedisClient.create(sentinelUri(sentinel));
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
            SocketAddress address = c.sync().getMasterAddrByName(MASTER_ID);
            return ((java.net.InetSocketAddress) address).getPort();
        } catch (RuntimeException e) {
            return -1;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private RedisURI sentinelUri(RedisNode sentinel) {
        RedisURI uri = RedisURI.create("redis://" + sentinel.address());
        sentinelPassword.ifPresent(p -> uri.setCredentialsProvider(new StaticCredentialsProvider(null, p.toCharArray())));
        return uri;
    }

    /** INFO replication of the current master: its role and how many replicas are connected. */
    public Map<String, String> masterReplication() {
        RedisClient client = RedisClient.create(masterUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().info("replication").lines().filter(l -> l.contains(":"))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).trim()));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sentinels.forEach(RedisNode::close);
        first.close();
        second.close();
    }
}
