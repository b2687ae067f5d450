package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.mcpca.shared.testing.RedisCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mcpca.redis.wait-replicas} on a real Cluster (3 masters + 3 replicas): the WAIT after a write goes to the
 * master that took it, on the node connection that carried it (docs/decisions/031, "WAIT on a Cluster"). Every master
 * that took writes ran WAITs (a cluster connection's keyless WAIT reaches one node: this fails then), and the WAIT's
 * client is the one Lettuce's routed commands to that master use. One replica is
 * paused (SIGSTOP), so its master cannot confirm a write: writes to that master's slots count a shortfall, and
 * writes to the other masters' slots none (a WAIT sent to another node would confirm), on an auto-flushing
 * connection (the ingress's submits) and on a pipelining one (a worker's reply batches).
 */
class ReplicaWaitClusterIT {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void aWriteIsConfirmedByTheReplicasOfTheMasterThatTookIt() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
             RedisConnections redis = new RedisConnections(cluster.uri());
             RedisConnection<byte[], byte[]> shared = redis.bytes();
             RedisConnection<byte[], byte[]> pipelined = redis.bytes()) {
            cluster.awaitReplicasOnline(Duration.ofSeconds(30));
            Map<Integer, byte[]> keyOf = oneKeyPerMaster(cluster);
            assertThat(keyOf).as("a key on each master").hasSize(3);
            ReplicaWait wait = new ReplicaWait(1, TIMEOUT);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            wait.bindTo(registry, "test");
            ReplicatedWrites writes = wait.on(shared);

            for (byte[] key : keyOf.values()) {
                append(writes, key);
            }
            assertThat(wait.shortfalls()).as("every master has its replica").isZero();
            // the node connection is the socket Lettuce routes that master's commands through: a routed XADD, then
            // a replicated write, and the client whose last command is WAIT is the one whose last was that XADD
            int first = keyOf.keySet().iterator().next();
            byte[] firstKey = keyOf.get(first);
            shared.sync().xadd(firstKey, Map.of(bytes("f"), bytes("routed")));
            String routed = clientWhoseLastCommandWas(first, "xadd");
            append(writes, firstKey);
            assertThat(clientWhoseLastCommandWas(first, "wait")).as("the WAIT's client on master %d", first)
                    .isEqualTo(routed);
            for (int master : keyOf.keySet()) {
                assertThat(waitCalls(master)).as("WAITs on master %d, which took writes", master).isPositive();
            }

            List<Integer> masters = new ArrayList<>(keyOf.keySet());
            int slow = masters.get(0);
            List<Integer> replicas = cluster.replicasOf(slow);
            assertThat(replicas).as("replicas of %d", slow).hasSize(1);
            cluster.pause(replicas.get(0));
            try {
                append(writes, keyOf.get(masters.get(1)));
                append(writes, keyOf.get(masters.get(2)));
                assertThat(wait.shortfalls()).as("writes to the masters whose replicas answer").isZero();
                append(writes, keyOf.get(slow));
                assertThat(wait.shortfalls()).as("a write to the master whose replica is paused").isEqualTo(1);
                assertThat(registry.get("mcpca.redis.wait.shortfalls").tag("role", "test").functionCounter().count())
                        .as("the shortfall as a meter").isEqualTo(1);
                append(writes, keyOf.get(masters.get(1)));
                append(writes, keyOf.get(masters.get(2)));
                assertThat(wait.shortfalls()).as("the other masters' writes are still confirmed").isEqualTo(1);

                // a pipeline (auto-flush off, as a worker's reply lane): one WAIT per node connection written
                pipelined.setAutoFlushCommands(false);
                ReplicatedWrites.Batch batch = wait.on(pipelined).batch();
                List<CompletableFuture<String>> appended = new ArrayList<>();
                for (byte[] key : keyOf.values()) {
                    appended.add(batch.write(key, c -> c.xadd(key, Map.of(bytes("f"), bytes("batch")))));
                    appended.add(batch.write(key, c -> c.xadd(key, Map.of(bytes("f"), bytes("batch 2")))));
                }
                batch.sendWaits();
                pipelined.flushCommands();
                for (CompletableFuture<String> id : appended) {
                    assertThat(id.get(10, TimeUnit.SECONDS)).isNotBlank();
                }
                batch.confirm("a test batch", System.nanoTime() + Duration.ofSeconds(10).toNanos());
                assertThat(wait.shortfalls()).as("one shortfall: the WAIT of the paused replica's master").isEqualTo(2);
            } finally {
                cluster.resume(replicas.get(0));
            }
        }
    }

    /**
     * A slot moved to another master behind Lettuce's back (its topology still names the old one): the old owner
     * answers MOVED, the write is sent again routed (Lettuce follows the redirection) and the WAIT goes to the new
     * owner, where the write is: with the new owner's replica paused, the write falls short.
     */
    @Test
    void aRedirectedWriteIsWaitedForOnTheNodeThatTookIt() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
             RedisConnections redis = new RedisConnections(cluster.uri());
             RedisConnection<byte[], byte[]> shared = redis.bytes()) {
            cluster.awaitReplicasOnline(Duration.ofSeconds(30));
            Map<Integer, byte[]> keyOf = oneKeyPerMaster(cluster);
            List<Integer> masters = new ArrayList<>(keyOf.keySet());
            int from = masters.get(0);
            int to = masters.get(1);
            byte[] key = keyOf.get(from);
            int slot = SlotHash.getSlot(key);
            ReplicaWait wait = new ReplicaWait(1, TIMEOUT);
            ReplicatedWrites writes = wait.on(shared);
            append(writes, keyOf.get(to)); // Lettuce knows both masters' node connections and the topology
            shared.sync().del(key);
            String fromId = cli(from, "cluster", "myid").trim();
            String toId = cli(to, "cluster", "myid").trim();
            cli(to, "cluster", "setslot", Integer.toString(slot), "importing", fromId);
            cli(from, "cluster", "setslot", Integer.toString(slot), "migrating", toId);
            cli(to, "cluster", "setslot", Integer.toString(slot), "node", toId);
            cli(from, "cluster", "setslot", Integer.toString(slot), "node", toId);
            int paused = cluster.replicasOf(to).get(0);
            cluster.pause(paused);
            try {
                append(writes, key);
                assertThat(wait.shortfalls()).as("the WAIT went to the new owner, whose replica is paused")
                        .isEqualTo(1);
                assertThat(cli(to, "xlen", new String(key, StandardCharsets.UTF_8)).trim()).as("the write is on %d", to)
                        .isEqualTo("1");
            } finally {
                cluster.resume(paused);
            }
        }
    }

    private static String cli(int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("redis-cli %s", command).doesNotStartWith("ERR").doesNotStartWith("(error)");
        return out;
    }

    private static void append(ReplicatedWrites writes, byte[] key) throws Exception {
        String id = writes.write(key, c -> c.xadd(key, Map.of(bytes("f"), bytes("v"))), "a test write")
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(id).isNotBlank();
    }

    /** A key whose slot each master serves, by master port. */
    private static Map<Integer, byte[]> oneKeyPerMaster(RedisCluster cluster) {
        Map<Integer, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; keys.size() < 3 && i < 1_000; i++) {
            byte[] key = bytes("replica-wait-" + i);
            keys.putIfAbsent(cluster.masterOf(SlotHash.getSlot(key)), key);
        }
        return keys;
    }

    /** The WAIT commands {@code port} ran (INFO commandstats). */
    private static long waitCalls(int port) {
        try (RedisConnections node = new RedisConnections("redis://127.0.0.1:" + port);
             RedisConnection<String, String> c = node.strings()) {
            return c.sync().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_wait:"))
                    .map(l -> l.substring(l.indexOf("calls=") + 6, l.indexOf(',')))
                    .mapToLong(Long::parseLong).findFirst().orElse(0);
        }
    }

    /** The id of the one client of the node on {@code port} whose last command was {@code command} (CLIENT LIST). */
    private static String clientWhoseLastCommandWas(int port, String command) {
        try (RedisConnections node = new RedisConnections("redis://127.0.0.1:" + port);
             RedisConnection<String, String> c = node.strings()) {
            List<String> ids = c.sync().clientList().lines().filter(l -> l.contains(" cmd=" + command + " "))
                    .map(l -> l.substring(3, l.indexOf(' '))).toList();
            assertThat(ids).as("clients of %d whose last command was %s", port, command).hasSize(1);
            return ids.get(0);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
