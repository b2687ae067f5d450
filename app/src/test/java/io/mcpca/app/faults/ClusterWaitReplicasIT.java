package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisCluster;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real Cluster (3 masters + 3 replicas) with {@code mcpca.redis.wait-replicas=1} (issue 19 item 4,
 * docs/decisions/031 "WAIT on a Cluster"): the start is not refused, calls from several MCP sessions (spread over the
 * request partitions, so over the masters) are answered, and every master that took a call's XADD, and the master of
 * the ingress's reply stream, ran WAITs (Redis' own command counters): each WAIT went to the master that took the
 * writes, not to one node of the client's choosing.
 */
class ClusterWaitReplicasIT {

    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @Test
    void callsAreAnsweredWithEveryWriteWaitedForOnItsOwnMaster() throws Exception {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        Keys keys = new Keys(prefix);
        Path root = Files.createDirectories(dir.resolve("root"));
        try (RedisCluster cluster = RedisCluster.start()) {
            cluster.awaitReplicasOnline(Duration.ofSeconds(30));
            try (PipelineHarness harness = new PipelineHarness(cluster.uri(), prefix, root,
                    "--mcpca.redis.wait-replicas=1", "--mcpca.ingress.id=waiting-ingress",
                    "--mcpca.partitions=" + PARTITIONS, "--mcpca.ingress.rate-limit-per-second=0")) {
                int answered = 0;
                for (int session = 0; session < 8; session++) {
                    McpSyncClient client = harness.client();
                    for (int i = 0; i < 3; i++) {
                        CallToolResult ping = client.callTool(new CallToolRequest("ping", Map.of()));
                        assertThat(ping.isError()).as("ping %d of session %d: %s", i, session, ping.content())
                                .isFalse();
                        answered++;
                    }
                    CallToolResult metrics = client.callTool(new CallToolRequest("calculate-metrics",
                            Map.of("content", "def f(a):\n    return a\n", "language", "python")));
                    assertThat(metrics.isError()).as("calculate-metrics of session %d: %s", session,
                            metrics.content()).isFalse();
                    answered++;
                }
                assertThat(answered).isEqualTo(32);

                Set<Integer> written = new TreeSet<>();
                try (RedisConnections redis = new RedisConnections(cluster.uri());
                     RedisConnection<String, String> c = redis.strings()) {
                    for (int n = 0; n < PARTITIONS; n++) {
                        for (String pool : new String[] {"fast", "heavy"}) {
                            String stream = keys.requestStream(pool, n);
                            if (c.sync().exists(stream) > 0 && c.sync().xlen(stream) > 0) {
                                written.add(cluster.masterOf(SlotHash.getSlot(stream)));
                            }
                        }
                    }
                }
                assertThat(written).as("masters that took requests").isNotEmpty();
                written.add(cluster.masterOf(SlotHash.getSlot(keys.replyStream("waiting-ingress"))));
                for (int master : written) {
                    assertThat(commandCalls(master, "wait")).as("WAITs on master %d, which took XADDs", master)
                            .isPositive();
                }
                System.err.printf("wait-replicas=1 on a cluster: 32 calls answered; WAITs per master %s%n",
                        written.stream().map(m -> m + "=" + commandCalls(m, "wait")).toList());
            }
        }
    }

    /** How many {@code command}s the node on {@code port} ran (INFO commandstats). */
    static long commandCalls(int port, String command) {
        try (RedisConnections node = new RedisConnections("redis://127.0.0.1:" + port);
             RedisConnection<String, String> c = node.strings()) {
            return c.sync().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_" + command + ":"))
                    .map(l -> l.substring(l.indexOf("calls=") + 6, l.indexOf(',')))
                    .mapToLong(Long::parseLong).findFirst().orElse(0);
        }
    }
}
