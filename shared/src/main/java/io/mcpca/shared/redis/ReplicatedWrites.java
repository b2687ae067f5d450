package io.mcpca.shared.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes that {@code mcpca.redis.wait-replicas} confirms, each followed by its WAIT on the connection that took it
 * (docs/decisions/031, "WAIT on a Cluster"). WAIT counts the replicas that acknowledged the writes of the Redis client
 * it is sent by, on the server it is sent to. On one node (Sentinel included) that is the connection itself. On a
 * Cluster, a Lettuce connection is one socket per node, and a WAIT (no key) goes to one node of Lettuce's choosing:
 * so here a write goes on the node connection of the master serving its key's slot, and its WAIT after it on the same
 * one. That node connection is the one Lettuce's routing uses for the master: its pool keys the connections of
 * slot-routed commands by the master's host and port, which {@code getConnection(host, port)} asks it for (checked in
 * Lettuce's PooledClusterConnectionProvider; {@code getConnection(nodeId)} would be another socket).
 *
 * <p>A slot owner that answers MOVED or ASK (a resharding, a topology not refreshed yet) did not take the write: in
 * {@link #write} it is sent again on the routed connection, which follows the redirection (and has Lettuce refresh its
 * topology), and the WAIT goes to the node connection of the node the redirection named, where Lettuce forwards it; in
 * a {@link Batch} the write fails (see there).
 *
 * <p>Group commit per node connection ({@link ReplicaWait.Barrier}): {@link #write} on a shared auto-flushing
 * connection; a {@link Batch} on a pipelining one (auto-flush off), one WAIT per node connection it wrote on.
 */
public final class ReplicatedWrites {

    private static final Logger log = LoggerFactory.getLogger(ReplicatedWrites.class);

    private final ReplicaWait wait;
    private final RedisConnection<byte[], byte[]> connection;
    /** On a Cluster: the connection whose node connections take the writes. */
    private final Optional<StatefulRedisClusterConnection<byte[], byte[]>> cluster;
    /** On one node: the node. */
    private final Optional<Node> single;
    /** On a Cluster: per "host:port", the node connection Lettuce holds for it now and its barrier. */
    private final ConcurrentHashMap<String, Node> nodes = new ConcurrentHashMap<>();

    /** A node connection: its commands and the barrier of its WAITs. */
    private record Node(StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> commands,
                        ReplicaWait.Barrier barrier) {
    }

    @SuppressWarnings("unchecked")
    ReplicatedWrites(ReplicaWait wait, RedisConnection<byte[], byte[]> connection) {
        this.wait = wait;
        this.connection = connection;
        if (connection.isCluster()) {
            this.cluster = Optional.of((StatefulRedisClusterConnection<byte[], byte[]>) connection.lettuce());
            this.single = Optional.empty();
        } else {
            this.cluster = Optional.empty();
            this.single = Optional.of(new Node(connection.lettuce(), connection.async(),
                    wait.barrier(connection.async())));
        }
    }

    /**
     * Sends {@code command} (a write of {@code key}) on an auto-flushing connection, then WAIT on the connection that
     * took it: the stage completes when the replicas confirmed or fell short (counted); it fails if the write did.
     */
    public <T> CompletionStage<T> write(byte[] key,
                                        Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command,
                                        String what) {
        if (!wait.enabled()) {
            return command.apply(connection.async());
        }
        return place(key, command, true, node -> { }).thenCompose(placed -> placed.node().barrier().after(what)
                .thenApply(confirmed -> placed.result()));
    }

    /** A batch of writes on a pipelining connection (auto-flush off), confirmed together. */
    public Batch batch() {
        return new Batch();
    }

    /**
     * The writes of one pipeline: {@link #write} each, {@link #sendWaits} before the flush (one WAIT behind the writes
     * on each node connection written), then once the writes' answers are in, {@link #confirm}. A write a slot owner
     * redirects fails here (its caller's retry finds the new owner once Lettuce refreshed its topology): resent on the
     * routed connection it would be forwarded on a node connection whose auto-flush is off, after the WAITs.
     */
    public final class Batch {
        private final Set<Node> written = new LinkedHashSet<>();
        private final List<Sent> sent = new ArrayList<>();

        private record Sent(Node node, RedisFuture<Long> confirmed) {
        }

        private Batch() {
        }

        /** Queues {@code command} (a write of {@code key}) on the connection that serves {@code key}. */
        public <T> CompletableFuture<T> write(byte[] key,
                                              Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
            if (!wait.enabled()) {
                return command.apply(connection.async()).toCompletableFuture();
            }
            return place(key, command, false, written::add).thenApply(Placed::result);
        }

        /** Whether a write was queued: only then is there a WAIT to send. */
        public boolean wrote() {
            return !written.isEmpty();
        }

        /** Queues one WAIT on every node connection written so far (the caller flushes them with the writes). */
        public void sendWaits() {
            for (Node node : written) {
                node.barrier().send().ifPresent(f -> sent.add(new Sent(node, f)));
            }
        }

        /** Awaits the WAITs until {@code untilNanos} (System.nanoTime), counting each that fell short. */
        public void confirm(String what, long untilNanos) {
            for (Sent s : sent) {
                try {
                    s.node().barrier().check(s.confirmed().get(Math.max(0, untilNanos - System.nanoTime()),
                            TimeUnit.NANOSECONDS), what);
                } catch (ExecutionException | TimeoutException e) {
                    log.warn("WAIT after {} failed: {}", what, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A write's answer and the node connection that took it. */
    private record Placed<T>(T result, Node node) {
    }

    /**
     * Sends {@code command} on the node connection serving {@code key} (on one node: the connection) and tells
     * {@code sentOn} which. {@code followRedirection}: a MOVED or ASK answer sends it again routed, and the node it
     * went to is the one the redirection named; otherwise (a pipeline: the connection's auto-flush is off) the node
     * connection is had at once, so the command is queued, and {@code sentOn} told, before this returns.
     */
    private <T> CompletableFuture<Placed<T>> place(byte[] key,
                                                   Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command,
                                                   boolean followRedirection, Consumer<Node> sentOn) {
        if (single.isPresent()) {
            sentOn.accept(single.get());
            return command.apply(single.get().commands()).toCompletableFuture()
                    .thenApply(result -> new Placed<>(result, single.get()));
        }
        CompletableFuture<Node> owner;
        try {
            owner = ownerOf(key, !followRedirection);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Placed<T>> placed = owner.thenCompose(node -> {
            sentOn.accept(node);
            return command.apply(node.commands()).toCompletableFuture().thenApply(result -> new Placed<>(result, node));
        });
        if (!followRedirection) {
            return placed;
        }
        return placed.exceptionallyCompose(error -> redirection(error)
                .map(target -> command.apply(connection.async()).toCompletableFuture()
                        .thenCompose(result -> node(target.getHost(), target.getPort())
                                .thenApply(node -> new Placed<>(result, node))))
                .orElseGet(() -> CompletableFuture.failedFuture(error)));
    }

    /** The node connection of the master serving {@code key}'s slot, as Lettuce's topology has it now. */
    private CompletableFuture<Node> ownerOf(byte[] key, boolean now) { // now: connect on this thread if need be
        int slot = SlotHash.getSlot(key);
        RedisClusterNode master = cluster.orElseThrow().getPartitions().getMasterBySlot(slot);
        if (master == null) {
            throw new RedisException("no master serves slot " + slot + " in the cluster's topology now");
        }
        RedisURI uri = master.getUri();
        if (now) {
            return CompletableFuture.completedFuture(node(uri.getHost(), uri.getPort(),
                    cluster.orElseThrow().getConnection(uri.getHost(), uri.getPort())));
        }
        return node(uri.getHost(), uri.getPort());
    }

    private CompletableFuture<Node> node(String host, int port) {
        return cluster.orElseThrow().getConnectionAsync(host, port).thenApply(c -> node(host, port, c));
    }

    /** The node of {@code c}, Lettuce's connection to host:port now: a connection Lettuce replaced gets a new barrier. */
    private Node node(String host, int port, StatefulRedisConnection<byte[], byte[]> c) {
        return nodes.compute(host + ":" + port, (name, known) -> known != null && known.connection() == c ? known
                : new Node(c, c.async(), wait.barrier(c.async())));
    }

    /** The node a MOVED or ASK answer names; empty for any other failure. */
    static Optional<RedisURI> redirection(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
            return Optional.empty();
        }
        String[] words = cause.getMessage().trim().split(" ");
        if (words.length != 3 || !(words[0].equals("MOVED") || words[0].equals("ASK"))) {
            return Optional.empty();
        }
        int colon = words[2].lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(RedisURI.create(words[2].substring(0, colon),
                    Integer.parseInt(words[2].substring(colon + 1))));
        } catch (IllegalArgumentException e) { // a port that is no number
            return Optional.empty();
        }
    }
}
