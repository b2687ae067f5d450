package io.mcpca.bench;

import io.mcpca.app.McpcaApplication;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of {@code mcpca.redis.wait-replicas} (docs/decisions/031): {@code ping} through the whole pipeline (MCP
 * client over HTTP, ingress, request stream, worker, reply stream) on a master with one replica, or on a Cluster of 3
 * masters with a replica each (REDIS_URL; the script bench/wait-replicas starts either), with 0 and with 1,
 * alternating in one run so drift hits both alike. Prints sequential p50/p99 and calls/s with N in flight per round,
 * then the mean ratios of 1 against 0.
 *
 * <p>Arguments: {@code [sequentialCalls=3000] [inFlight=64] [throughputCalls=10000] [rounds=2]}.
 */
public final class WaitReplicas {

    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int throughputCalls = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String uri = System.getenv("REDIS_URL");
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("REDIS_URL must name a master with a replica, or a cluster (bench/wait-replicas starts them)");
        }
        System.out.printf("bench/wait-replicas: redis %s, %d sequential calls, %d calls with %d in flight, %d rounds, "
                + "%d cores%n", uri, sequential, throughputCalls, inFlight, rounds, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-18s %10s %10s %14s%n", "", "p50 ms", "p99 ms", "calls/s");
        double[][] sums = new double[2][3];
        for (int round = 0; round < rounds; round++) {
            for (int wait = 0; wait <= 1; wait++) {
                McpCalls.Result r = run(uri, wait, sequential, inFlight, throughputCalls);
                System.out.printf("%-18s %10.3f %10.3f %14.0f%n", "wait-replicas=" + wait, r.p50(), r.p99(), r.perSecond());
                sums[wait][0] += r.p50();
                sums[wait][1] += r.p99();
                sums[wait][2] += r.perSecond();
            }
        }
        System.out.printf("%-18s %9.2fx %9.2fx %13.2fx%n", "1 / 0 (means)", sums[1][0] / sums[0][0],
                sums[1][1] / sums[0][1], sums[1][2] / sums[0][2]);
        System.exit(0);
    }

    private static McpCalls.Result run(String uri, int waitReplicas, int sequential, int inFlight, int throughputCalls)
            throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        ConfigurableApplicationContext app = McpcaApplication.start("--server.port=0", "--mcpca.redis-url=" + uri,
                "--mcpca.prefix=" + prefix, "--mcpca.redis.wait-replicas=" + waitReplicas,
                "--mcpca.worker.concurrency=" + Runtime.getRuntime().availableProcessors() * 2,
                "--mcpca.worker.pools=fast", "--logging.level.root=WARN", "--logging.level.io.mcpca=WARN",
                // one principal sends every call here: its rate limit would measure the limiter, not the path
                "--mcpca.ingress.rate-limit-per-second=0", "--spring.jmx.enabled=false");
        try {
            return McpCalls.measure("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"),
                    "ping", 1_000, sequential, inFlight, throughputCalls);
        } finally {
            app.close();
        }
    }
}
