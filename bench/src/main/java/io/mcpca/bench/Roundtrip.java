package io.mcpca.bench;

import io.mcpca.app.McpcaApplication;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisServerProcess;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ping} through the whole pipeline (MCP client over HTTP -> ingress -> Redis Streams -> worker ->
 * warm analyzer -> reply stream -> client) beside the raw Redis floor: the same command sequence
 * (XADD request, XREADGROUP, XADD reply, XACK, XREAD reply) issued directly with Lettuce, on the same
 * Redis, in the same run. Prints sequential p50/p99 and throughput with N calls in flight.
 *
 * <p>Arguments: {@code [sequentialCalls=10000] [inFlight=64] [throughputCalls=20000]}. Uses REDIS_URL if
 * set, else a private redis-server on a free port (so nothing else shares it).
 */
public final class Roundtrip {

    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int throughputCalls = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        String env = System.getenv("REDIS_URL");
        RedisServerProcess own = env == null || env.isBlank() ? RedisServerProcess.start() : null;
        String redisUri = own != null ? own.uri() : env;
        System.out.printf("bench/roundtrip: redis %s, %d sequential calls, %d calls with %d in flight, %d cores%n",
                redisUri, sequential, throughputCalls, inFlight, Runtime.getRuntime().availableProcessors());
        try {
            Result floor = floor(redisUri, sequential, inFlight, throughputCalls);
            Result pipeline = pipeline(redisUri, sequential, inFlight, throughputCalls);
            System.out.println();
            System.out.printf("%-24s %10s %10s %14s%n", "", "p50 ms", "p99 ms", "calls/s");
            print("redis floor (Lettuce)", floor);
            print("pipeline (MCP ping)", pipeline);
            System.out.printf("%-24s %10.1fx %9.1fx %13.2fx%n", "pipeline / floor",
                    pipeline.p50 / floor.p50, pipeline.p99 / floor.p99, pipeline.perSecond / floor.perSecond);
        } finally {
            if (own != null) {
                own.close();
            }
        }
        System.exit(0);
    }

    record Result(double p50, double p99, double perSecond) {
    }

    private static void print(String name, Result r) {
        System.out.printf("%-24s %10.3f %10.3f %14.0f%n", name, r.p50, r.p99, r.perSecond);
    }

    // ---- the raw floor: the pipeline's Redis commands, nothing else ----

    private static Result floor(String uri, int sequential, int inFlight, int throughputCalls) throws Exception {
        try (RedisConnections redis = new RedisConnections(uri)) {
            RedisFloor.run(redis, 1_000, 1, new Stats(1_000));
            Stats latency = new Stats(sequential);
            RedisFloor.run(redis, sequential, 1, latency);
            double perSecond = RedisFloor.run(redis, throughputCalls, inFlight, new Stats(throughputCalls));
            return new Result(latency.percentileMs(50), latency.percentileMs(99), perSecond);
        }
    }

    // ---- the pipeline: a real MCP client against an embedded ingress + worker ----

    private static Result pipeline(String uri, int sequential, int inFlight, int throughputCalls) throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        ConfigurableApplicationContext app = McpcaApplication.start("--server.port=0", "--mcpca.redis-url=" + uri,
                "--mcpca.prefix=" + prefix, "--mcpca.worker.concurrency=" + Runtime.getRuntime().availableProcessors() * 2,
                "--mcpca.worker.pools=fast", "--logging.level.root=WARN", "--logging.level.io.mcpca=WARN",
                // one principal sends every call here: its rate limit would measure the limiter, not the path
                "--mcpca.ingress.rate-limit-per-second=0", "--spring.jmx.enabled=false");
        try {
            McpCalls.Result r = McpCalls.measure("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"),
                    "ping", 1_000, sequential, inFlight, throughputCalls);
            return new Result(r.p50(), r.p99(), r.perSecond());
        } finally {
            app.close();
        }
    }
}
