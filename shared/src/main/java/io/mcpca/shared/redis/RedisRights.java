package io.mcpca.shared.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start-up check of a process's Redis rights (an ACL user's): every command its role sends, directly or from its
 * Lua scripts (a script runs with its caller's rights), on a key and channel under the prefix. Each is queued inside
 * MULTI and the transaction is discarded: Redis checks a queued command's ACL rights (command, keys, channels) when it
 * queues it, so nothing runs and nothing is written, and a missing right answers NOPERM at once. A user missing
 * anything stops the start with one message listing what is missing, instead of a call failing later (a script
 * refused halfway, a consumer that cannot acknowledge). On a Cluster the commands Lettuce itself sends there
 * ({@link #CLUSTER_COMMANDS}) are checked too. compose/redis/users.acl grants exactly these commands.
 * MULTI and DISCARD are sent under names Lettuce does not recognise (the same bytes on the wire), so Lettuce does not
 * wrap the probes into a transaction of its own.
 */
public final class RedisRights {

    /** What a role needs; WAIT only with mcpca.redis.wait-replicas above 0. */
    public enum Role {
        INGRESS("ping info evalsha eval xadd xread xlen xinfo|stream xinfo|groups xgroup|create get set del "
                + "unlink exists pexpire pexpireat pttl scan hget hgetall hmget hset hsetnx hdel hincrby hscan zadd zcard "
                + "zrem zremrangebyscore zremrangebyrank zrevrange incr publish subscribe"),
        WORKER("ping info evalsha eval xadd xreadgroup xack xautoclaim xclaim xpending xlen xinfo|groups "
                + "xgroup|create get set del unlink exists pexpire pexpireat pttl type scan hget hgetall hmget hset "
                + "hsetnx hdel hincrby hexists zadd zcard zrem zremrangebyscore zremrangebyrank incr publish subscribe");

        private final List<String> commands;

        Role(String commands) {
            this.commands = List.of(commands.split(" "));
        }

        public List<String> commands() {
            return commands;
        }
    }

    /**
     * What every role needs on a Redis Cluster besides its own commands: Lettuce reads the topology with CLUSTER NODES
     * (at connect, every 10 s and after a redirection), asks a node it connects to for its CLUSTER MYID (seen in
     * RedisAclModesIT's ACL LOG) and sends ASKING before a command that a migrating slot
     * redirected with ASK (during a resharding). Without them a process connects, then fails once the topology is
     * read or a slot moves; so they are checked at start too.
     */
    public static final List<String> CLUSTER_COMMANDS = List.of("cluster|nodes", "cluster|myid", "asking");

    /** Probes answer at once; 5 s covers a busy machine. */
    private static final long TIMEOUT_SECONDS = 5;

    private RedisRights() {
    }

    /**
     * @param prefix the key prefix ({@code mcpca.prefix}); probes name {@code <prefix>:rights-probe} and the channel
     *               {@code <prefix>:events:rights-probe}
     * @throws IllegalStateException listing every command the user may not run on the prefix's keys and channels
     */
    public static void check(RedisConnection<String, String> probe, Role role, String prefix, boolean waits) {
        StatefulRedisConnection<String, String> connection = nodeServing(probe, prefix + ":rights-probe");
        List<String> commands = new ArrayList<>(role.commands());
        if (probe.isCluster()) {
            commands.addAll(CLUSTER_COMMANDS);
        }
        if (waits) {
            commands.add("wait");
        }
        List<String> missing = new ArrayList<>();
        var async = connection.async();
        RedisFuture<String> multi = async.dispatch(keyword("MULTI"), new StatusOutput<>(StringCodec.UTF8));
        List<RedisFuture<String>> queued = new ArrayList<>();
        for (String command : commands) {
            String[] words = command.split("\\|");
            CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
            for (int i = 1; i < words.length; i++) {
                args.add(words[i].toUpperCase(Locale.ROOT));
            }
            sampleArguments(command, prefix + ":rights-probe", prefix + ":events:rights-probe", prefix)
                    .forEach(args::add);
            queued.add(async.dispatch(keyword(words[0].toUpperCase(Locale.ROOT)), new StatusOutput<>(StringCodec.UTF8),
                    args));
        }
        RedisFuture<String> discard = async.dispatch(keyword("DISCARD"), new StatusOutput<>(StringCodec.UTF8));
        try {
            multi.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < commands.size(); i++) {
                try {
                    queued.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    String message = String.valueOf(e.getCause().getMessage());
                    if (message.startsWith("NOPERM")) {
                        missing.add(commands.get(i).toUpperCase(Locale.ROOT).replace('|', ' '));
                    } else {
                        throw new IllegalStateException("the Redis rights check could not queue "
                                + commands.get(i) + ": " + message, e);
                    }
                }
            }
            discard.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Redis rights check failed: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Redis rights check got no answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the Redis user of this " + role.name().toLowerCase(Locale.ROOT)
                    + " may not run " + String.join(", ", missing) + " on keys " + prefix + ":* and channels " + prefix
                    + ":* (NOPERM); grant them (compose/redis/users.acl lists what each role needs)");
        }
    }

    /**
     * The connection to the node that serves {@code key}: on a cluster a queued command whose key another node serves
     * is refused with MOVED, not checked for rights, so the probe runs on the key's own node.
     */
    @SuppressWarnings("unchecked")
    private static StatefulRedisConnection<String, String> nodeServing(RedisConnection<String, String> connection,
                                                                       String key) {
        if (connection.lettuce() instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.getConnection(cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getNodeId());
        }
        return (StatefulRedisConnection<String, String>) connection.lettuce();
    }

    /** Arguments of the right number and shape for each command, naming the probe key (never run). */
    static List<String> sampleArguments(String command, String key, String channel, String prefix) {
        return switch (command) {
            case "ping", "cluster|nodes", "cluster|myid", "asking" -> List.of();
            case "info" -> List.of("server");
            case "wait" -> List.of("0", "0");
            case "evalsha" -> List.of("0".repeat(40), "1", key);
            case "eval" -> List.of("return 1", "1", key);
            case "xadd" -> List.of(key, "NOMKSTREAM", "*", "f", "v");
            case "xread" -> List.of("COUNT", "1", "STREAMS", key, "0");
            case "xreadgroup" -> List.of("GROUP", "g", "c", "COUNT", "1", "STREAMS", key, ">");
            case "xack" -> List.of(key, "g", "0-1");
            case "xclaim" -> List.of(key, "g", "c", "0", "0-1");
            case "xautoclaim" -> List.of(key, "g", "c", "0", "0-0");
            case "xpending" -> List.of(key, "g");
            case "xgroup|create" -> List.of(key, "g", "$", "MKSTREAM");
            case "xlen", "xinfo|stream", "xinfo|groups", "get", "del", "unlink", "exists", "pttl", "type", "hgetall",
                 "incr", "zcard" -> List.of(key);
            case "set" -> List.of(key, "v");
            case "pexpire", "pexpireat" -> List.of(key, "1");
            case "scan" -> List.of("0", "MATCH", prefix + ":*", "COUNT", "1");
            case "hget", "hmget", "hdel", "hexists" -> List.of(key, "f");
            case "hset", "hsetnx" -> List.of(key, "f", "v");
            case "hincrby" -> List.of(key, "f", "1");
            case "hscan" -> List.of(key, "0");
            case "zadd" -> List.of(key, "1", "m");
            case "zrem" -> List.of(key, "m");
            case "zremrangebyscore", "zremrangebyrank", "zrevrange" -> List.of(key, "0", "1");
            case "publish" -> List.of(channel, "m");
            case "subscribe" -> List.of(channel);
            default -> throw new IllegalArgumentException("no probe for " + command);
        };
    }

    /** A command Lettuce does not know by name: the bytes on the wire are {@code name}'s. */
    private static ProtocolKeyword keyword(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return new ProtocolKeyword() {
            @Override
            public byte[] getBytes() {
                return bytes;
            }

            @Override
            public String toString() {
                return name + "(rights probe)";
            }
        };
    }
}
