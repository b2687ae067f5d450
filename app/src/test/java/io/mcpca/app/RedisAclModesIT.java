package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.testing.RedisCluster;
import io.mcpca.shared.testing.RedisNode;
import io.mcpca.shared.testing.SentinelTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The documented ACL users (compose/redis/users.acl as shipped, this test's passwords) on a Redis Cluster and behind
 * Sentinel, with real processes: an ingress as {@code mcpca-ingress} and a worker as {@code mcpca-worker} run every
 * kind of work ({@link RedisAclIT#everyKindOfWork}) and no node logs a refused command ({@code ACL LOG}: also what
 * Lettuce sends by itself there, the cluster topology reads included). On the Cluster a worker user without
 * {@code CLUSTER NODES} stops its start naming it. The default user stays open here (the test creates the cluster
 * and reads the logs with it; the replica and the Sentinels connect as it); a deployment gives it a password and
 * the replicas {@code masteruser}/{@code masterauth}, the Sentinels {@code sentinel auth-user}/{@code auth-pass}. The
 * Sentinels here ask for a password of their own ({@code requirepass}), given as {@code mcpca.redis.sentinel.password}.
 */
class RedisAclModesIT {

    @TempDir
    Path dir;

    private Path usersFile() throws Exception {
        String users = Files.readString(Path.of("../compose/redis/users.acl"))
                .replace(">change-me-ingress", ">ingress-secret").replace(">change-me-worker", ">worker-secret");
        Path acl = dir.resolve("users.acl");
        Files.writeString(acl, users + "user default on nopass ~* &* +@all\n");
        return acl;
    }

    private Path root() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.py"), "def a(x):\n    return x\n");
        return root;
    }

    private static ConfigurableApplicationContext worker(String uri, Path root, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--mcpca.redis-url=" + uri, "--mcpca.prefix=mcpca",
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false", "--mcpca.ingress.enabled=false",
                "--mcpca.worker.management-port=0", "--mcpca.worker.concurrency=2"));
        args.addAll(List.of(extra));
        return McpcaApplication.start(args.toArray(String[]::new));
    }

    @Test
    void onAClusterTheDocumentedUsersRunEveryKindOfWorkAndAUserWithoutClusterNodesStopsTheStart() throws Exception {
        Path root = root();
        try (RedisCluster cluster = RedisCluster.start(0, List.of("--aclfile", usersFile().toString()))) {
            String seeds = cluster.uri().substring("redis-cluster://".length());
            try (ConfigurableApplicationContext worker = worker("redis-cluster://mcpca-worker:worker-secret@" + seeds,
                    root);
                 PipelineHarness ingress = new PipelineHarness("redis-cluster://mcpca-ingress:ingress-secret@" + seeds,
                         "mcpca", root, List.of(), List.of(), false)) {
                RedisAclIT.everyKindOfWork(ingress.client());
            }
            java.util.Map<Integer, String> refused = new java.util.TreeMap<>();
            for (int master : cluster.masters()) {
                refused.put(master, cluster.command(master, "acl", "log").trim());
            }
            assertThat(refused).as("commands each node refused the two users").allSatisfy((node, log) ->
                    assertThat(log).isEmpty());

            for (int master : cluster.masters()) {
                cluster.command(master, "acl", "setuser", "mcpca-worker", "-cluster|nodes");
            }
            Throwable failure = catchThrowable(() -> worker("redis-cluster://mcpca-worker:worker-secret@" + seeds,
                    root).close());
            assertThat(failure).as("a worker user without CLUSTER NODES").isNotNull();
            System.err.println("without CLUSTER NODES: " + rootCause(failure));
            assertThat(failure).hasStackTraceContaining("refused the user of the URL: NOPERM this user has no "
                    + "permissions to run the 'cluster|nodes' command; grant it (compose/redis/users.acl");
        }
    }

    @Test
    void behindSentinelTheDocumentedUsersRunEveryKindOfWork() throws Exception {
        Path root = root();
        // Sentinels with a password of their own: the processes ask them with mcpca.redis.sentinel.password
        try (SentinelTopology redis = SentinelTopology.start(dir.resolve("redis"),
                List.of("aclfile " + usersFile()), List.of(), Optional.of("sentinel-secret"))) {
            String worker = redis.uri().replace("redis-sentinel://", "redis-sentinel://mcpca-worker:worker-secret@");
            String ingress = redis.uri().replace("redis-sentinel://", "redis-sentinel://mcpca-ingress:ingress-secret@");
            String sentinelPassword = "--mcpca.redis.sentinel.password=sentinel-secret";
            try (ConfigurableApplicationContext ignored = worker(worker, root, sentinelPassword);
                 PipelineHarness harness = new PipelineHarness(ingress, "mcpca", root, List.of(),
                         List.of(sentinelPassword), false)) {
                RedisAclIT.everyKindOfWork(harness.client());
            }
            assertThat(aclLog(redis.master())).as("commands the master refused the two users").isEmpty();
        }
    }

    private static List<java.util.Map<String, Object>> aclLog(RedisNode node) {
        RedisClient client = RedisClient.create("redis://" + node.address());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().aclLog();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static String rootCause(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append("\n  ").append(c);
        }
        return s.toString();
    }
}
