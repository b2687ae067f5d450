package io.mcpca.shared.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * One Redis connection of the product, to a single node (Sentinel included) or to a Cluster. Product code sees
 * only Lettuce's command interfaces common to both ({@link RedisClusterCommands}, which Lettuce's single-node
 * {@code RedisCommands} and cluster {@code RedisAdvancedClusterCommands} both extend), so the same code runs in
 * every mode: on a cluster, Lettuce routes each command by its key's slot, follows MOVED/ASK, and runs SCAN and
 * multi-key DEL/UNLINK over every master. What the interfaces leave out (MULTI/EXEC, SELECT) the product does not
 * use. Why: docs/decisions/030.
 */
public final class RedisConnection<K, V> implements AutoCloseable {

    private final StatefulConnection<K, V> connection;
    private final RedisClusterCommands<K, V> sync;
    private final RedisClusterAsyncCommands<K, V> async;
    private final boolean cluster;

    private RedisConnection(StatefulConnection<K, V> connection, RedisClusterCommands<K, V> sync,
                            RedisClusterAsyncCommands<K, V> async, boolean cluster) {
        this.connection = connection;
        this.sync = sync;
        this.async = async;
        this.cluster = cluster;
    }

    /** A connection to one node (or to the master a Sentinel names). */
    public static <K, V> RedisConnection<K, V> of(StatefulRedisConnection<K, V> connection) {
        return new RedisConnection<>(connection, connection.sync(), connection.async(), false);
    }

    /** A connection to a cluster: one socket per node it talks to, routed by slot. */
    public static <K, V> RedisConnection<K, V> of(StatefulRedisClusterConnection<K, V> connection) {
        return new RedisConnection<>(connection, connection.sync(), connection.async(), true);
    }

    public RedisClusterCommands<K, V> sync() {
        return sync;
    }

    public RedisClusterAsyncCommands<K, V> async() {
        return async;
    }

    /** Whether this connection is to a Redis Cluster (where no command may span slots). */
    public boolean isCluster() {
        return cluster;
    }

    /**
     * Off: commands wait in the client until {@link #flushCommands} (a pipeline). Not on a cluster, where auto-flush
     * stays on: Lettuce writes a command Redis redirected (MOVED after a resharding or failover, ASK while its slot
     * migrates) into the new node's buffer from its I/O thread, and with auto-flush off it waits there for the next
     * flush; a caller that waits for the command's answer before it flushes again waits until its timeout (seen in
     * ClusterReshardIT: a reply batch's XACK stuck 10 s while its slot moved, the lane's calls past their deadline).
     * On a cluster the commands are still pipelined (sent without waiting for answers), each written out at once.
     */
    public void setAutoFlushCommands(boolean autoFlush) {
        if (!cluster) {
            connection.setAutoFlushCommands(autoFlush);
        }
    }

    public void flushCommands() {
        connection.flushCommands();
    }

    public void setTimeout(Duration timeout) {
        connection.setTimeout(timeout);
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /** The Lettuce connection itself, for what only it offers (a raw command dispatch in a test, say). */
    public StatefulConnection<K, V> lettuce() {
        return connection;
    }

    @Override
    public void close() {
        connection.close();
    }
}
