package io.mcpca.bench;

import io.mcpca.app.McpcaApplication;
import io.mcpca.ingress.config.IngressConfiguration.IngressRuntime;
import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * No-op calls ({@code ping} with {@code via: worker}, answered by the worker itself) through the pipeline:
 * the ingress's Redis side in this JVM (register the call, XADD it to the fast pool, wait for its reply on
 * the ingress's reply stream) and 1, 2 and 4 worker processes (separate JVMs, each with {@code concurrency}
 * call threads and warm analyzers), then once more with one worker and
 * {@code mcpca.worker.sessionless-fast-path=false}, so the same no-op takes the session-locked path
 * (lease, fence, RUNNING, session write, final record), and once with the analyzer answering
 * ({@code via: analyzer}: a pipe round trip to a warm analyzer process per call). The MCP HTTP layer is
 * left out on purpose (bench/roundtrip measures it): this is the queue. Beside it on the same Redis:
 * BullMQ (bench/pipeline/bullmq.mjs, same worker process counts and concurrency) and the raw Redis floor
 * (XADD -> XREADGROUP -> XADD reply -> XACK -> XREAD with Lettuce, {@code inFlight} loops).
 *
 * <p>Arguments: {@code [calls=20000] [inFlight=128] [concurrency=8] [latencySeconds=10]}.
 */
public final class Pipeline {

    /** Sessions the calls are spread over: far more than the slots, so session locks rarely contend. */
    private static final int SESSIONS = Integer.getInteger("bench.sessions", 4096);
    /** Calls before each measured run. */
    private static final int WARM_UP = 60_000;
    /** Seconds of open-loop calls at the measured rate before a latency run. */
    private static final int OPEN_WARM_UP_SECONDS = Integer.getInteger("bench.openWarmUpSeconds", 10);
    private static final Map<String, Object> VIA_WORKER = Map.of("via", "worker");
    private static final Map<String, Object> VIA_ANALYZER = Map.of();

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int latencySeconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        RedisServerProcess redis = RedisServerProcess.start();
        System.out.printf("bench/pipeline: redis %s, %d calls, %d in flight, worker concurrency %d, %d cores%n",
                redis.uri(), calls, inFlight, concurrency, Runtime.getRuntime().availableProcessors());
        try {
            int floorLoops = Math.min(inFlight, 16);
            double floor = floor(redis.uri(), calls, floorLoops);
            System.out.printf("redis floor (Lettuce, %d loops): %.0f round trips/s%n", floorLoops, floor);
            double[] ours = new double[5];
            double peak = 0;
            int peakWorkers = 1;
            if (Integer.getInteger("bench.latencyAt", 0) > 0) {
                // only the latency run, at the given rate, with -Dbench.latencyWorkers worker JVMs (default 1):
                // -Dbench.latencyAt=10000
                int at = Integer.getInteger("bench.latencyAt");
                int latencyWorkers = Integer.getInteger("bench.latencyWorkers", 1);
                double[] latency = pipeline(redis.uri(), latencyWorkers, concurrency, at * latencySeconds, inFlight, at,
                        latencySeconds, true, VIA_WORKER);
                System.out.printf("latency at %d calls/s, %d worker(s): p50 %.2f ms, p99 %.2f ms%n", at, latencyWorkers,
                        latency[1], latency[2]);
                redis.close();
                System.exit(0);
            }
            if (Boolean.getBoolean("bench.quick")) {
                // one configuration per path, for profiling: -Dbench.quick=true
                System.out.printf("quick: 1 worker %.0f calls/s; all %d in flight %.0f calls/s; locked %.0f calls/s%n",
                        Boolean.getBoolean("bench.lockedOnly") ? 0
                                : pipeline(redis.uri(), 1, concurrency, calls, inFlight, 0, 0, true, VIA_WORKER)[0],
                        calls, Boolean.getBoolean("bench.lockedOnly") ? 0
                                : pipeline(redis.uri(), 1, concurrency, calls, calls, 0, 0, true, VIA_WORKER)[0],
                        pipeline(redis.uri(), 1, concurrency, calls, inFlight, 0, 0, false, VIA_WORKER)[0]);
                redis.close();
                System.exit(0);
            }
            double[] drains = new double[5];
            for (int workers : new int[] {1, 2, 4}) {
                double[] run = pipeline(redis.uri(), workers, concurrency, calls, inFlight, 0, 0, true, VIA_WORKER);
                ours[workers] = run[0];
                drains[workers] = run[3];
                System.out.printf("pipeline, %d worker process(es): %.0f calls/s%n", workers, ours[workers]);
                if (ours[workers] > peak) {
                    peak = ours[workers];
                    peakWorkers = workers;
                }
            }
            // the same no-op through the session-locked path (lease, fence, RUNNING, session write, record)
            double[] lockedRun = pipeline(redis.uri(), 1, concurrency, calls, inFlight, 0, 0, false, VIA_WORKER);
            double locked = lockedRun[0];
            double lockedDrain = lockedRun[3];
            System.out.printf("pipeline, 1 worker process, session-locked path: %.0f calls/s%n", locked);
            double viaAnalyzer = pipeline(redis.uri(), 1, concurrency, calls, inFlight, 0, 0, true, VIA_ANALYZER)[0];
            System.out.printf("pipeline, 1 worker process, answered by an analyzer process: %.0f calls/s%n",
                    viaAnalyzer);
            // open loop at fractions of the peak: the half the issue asks about, and lower rates, where the
            // machine is less busy, for the shape of the curve
            for (double fraction : new double[] {0.5, 0.25, 0.1}) {
                double rate = peak * fraction;
                double[] latency = pipeline(redis.uri(), peakWorkers, concurrency, (int) (rate * latencySeconds),
                        inFlight, rate, latencySeconds, true, VIA_WORKER);
                System.out.printf("pipeline at %.0f%% of peak (%.0f calls/s, %d workers): p50 %.2f ms, p99 %.2f ms%n",
                        fraction * 100, rate, peakWorkers, latency[1], latency[2]);
            }

            String[] bull = new String[5];
            for (int workers : new int[] {1, 2, 4}) {
                bull[workers] = BullMq.run(redis.uri(), workers, concurrency, calls, inFlight);
                System.out.printf("bullmq, %d worker process(es): %s%n", workers, bull[workers]);
            }
            System.out.println();
            System.out.println("answered: closed loop, " + inFlight + " calls in flight, each waited for; drain: "
                    + calls + " calls queued while the workers are stopped, then the workers resume");
            System.out.printf("%-12s %12s %12s %12s %12s %12s %12s%n", "workers", "ours answ/s", "bullmq answ/s",
                    "ratio", "ours drain/s", "bullmq drain/s", "ratio");
            for (int workers : new int[] {1, 2, 4}) {
                row(Integer.toString(workers), ours[workers], drains[workers], bull[workers]);
            }
            row("1 (locked)", locked, lockedDrain, bull[1]);
            System.out.printf("%-12s %12.0f %12.0f %11.2fx%n", "1 (analyzer)", viaAnalyzer,
                    BullMq.number(bull[1], "answerPerSecond"), viaAnalyzer / BullMq.number(bull[1], "answerPerSecond"));
            System.out.printf("pipeline peak / redis floor: %.2fx%n", peak / floor);
        } finally {
            redis.close();
        }
        System.exit(0);
    }

    /**
     * Runs {@code calls} pings with {@code workers} worker JVMs. Closed loop ({@code rate} 0): at most
     * {@code inFlight} outstanding, returns {calls/s}. Open loop: one call every 1/rate s, returns
     * {calls/s, p50 ms, p99 ms}.
     */
    private static double[] pipeline(String uri, int workers, int concurrency, int calls, int inFlight, double rate,
                                     int seconds, boolean fastPath, Map<String, Object> pingArgs) throws Exception {
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 8);
        List<Process> processes = new ArrayList<>();
        ConfigurableApplicationContext ingress = McpcaApplication.start("--server.port=0", "--mcpca.redis-url=" + uri,
                "--mcpca.prefix=" + prefix, "--mcpca.worker.enabled=false", "--mcpca.ingress.rate-limit-per-second=0",
                "--logging.level.root=WARN", "--logging.level.io.mcpca=WARN", "--spring.jmx.enabled=false");
        try {
            for (int i = 0; i < workers; i++) {
                processes.add(WorkerProcesses.startWorker(uri, prefix, concurrency, i, fastPath));
            }
            WorkerProcesses.awaitConsumers(uri, new Keys(prefix), workers);
            IngressRuntime runtime = ingress.getBean(IngressRuntime.class);
            // warm-up: connections, and the JIT of every JVM (short of it, C2 compiling takes half the workers' CPU)
            closedLoop(runtime, WARM_UP, inFlight, pingArgs, new Stats(WARM_UP));
            if (rate > 0) {
                // and in the measured shape: an open loop at this rate takes other branches (reads of a call or
                // two, short blocks while acknowledgements are owed) that the JIT would otherwise still be
                // compiling during the first seconds measured
                int warmOpen = (int) (rate * OPEN_WARM_UP_SECONDS);
                openLoop(runtime, warmOpen, rate, pingArgs, new Stats(warmOpen));
            }
            Stats stats = new Stats(calls);
            redisCommand(uri, c -> c.configResetstat());
            CpuTime cpu = new CpuTime(uri, processes);
            long start = System.nanoTime();
            if (rate <= 0) {
                closedLoop(runtime, calls, inFlight, pingArgs, stats);
            } else {
                openLoop(runtime, calls, rate, pingArgs, stats);
            }
            double perSecond = calls / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  CPU per call: %s%n", cpu.perCall(calls));
            String commandStats = redisCommand(uri, c -> commandStats(c.info("commandstats"), calls));
            System.out.printf("  redis usec per call by command: %s%n", commandStats);
            if (rate > 0 && Boolean.getBoolean("bench.timeline")) {
                System.out.printf("  calls over 3 ms by 50 ms window: %s%n", stats.slowTimeline(3, 50));
            }
            double drain = rate <= 0 ? drain(runtime, processes, calls, pingArgs) : Double.NaN;
            return new double[] {perSecond, stats.percentileMs(50), stats.percentileMs(99), drain};
        } finally {
            ingress.close();
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void closedLoop(IngressRuntime runtime, int calls, int inFlight, Map<String, Object> pingArgs,
                                   Stats stats) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AnswerCount answers = new AnswerCount(calls);
        for (int i = 0; i < calls; i++) {
            window.acquire();
            answers.watch(submit(runtime, i, pingArgs, stats).whenComplete((r, e) -> window.release()));
        }
        answers.check();
    }

    private static void openLoop(IngressRuntime runtime, int calls, double rate, Map<String, Object> pingArgs,
                                 Stats stats) throws Exception {
        long intervalNanos = (long) (1e9 / rate);
        long next = System.nanoTime();
        AnswerCount answers = new AnswerCount(calls);
        for (int i = 0; i < calls; i++) {
            // sleep, do not spin, until the next call is due: a spinning generator would take one of the two
            // cores from Redis and the workers; the calls due by now go out together
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            next += intervalNanos;
            answers.watch(submit(runtime, i, pingArgs, stats));
        }
        answers.check();
    }

    private static CompletableFuture<ToolReply> submit(IngressRuntime runtime, int i, Map<String, Object> pingArgs,
                                                       Stats stats) {
        String id = UUID.randomUUID().toString();
        long begin = System.nanoTime();
        PendingCall pending = runtime.router().register(id, progress -> { });
        CompletableFuture<ToolReply> answer = pending.answer().whenComplete((r, e) -> stats.add(System.nanoTime() - begin));
        // async, as BullMQ's callers add jobs: concurrent submits share the connection's writes
        runtime.submitter().submitAsync("fast", ping(runtime, i, id, pingArgs, Duration.ofMinutes(2)))
                .whenComplete((entryId, e) -> {
                    if (e != null) {
                        pending.answer().completeExceptionally(e);
                    }
                });
        return answer;
    }

    /** Call {@code i}'s ping, on one of {@link #SESSIONS} sessions, answered to this ingress. */
    private static ToolRequest ping(IngressRuntime runtime, int i, String id, Map<String, Object> pingArgs,
                                    Duration deadline) {
        return new ToolRequest(ToolRequest.VERSION, id, "bench-" + (i % SESSIONS), "ping",
                pingArgs, runtime.replyStream(), System.currentTimeMillis() + deadline.toMillis());
    }

    /**
     * BullMQ's drain shape, with answers: the workers are stopped ({@code SIGSTOP}, as BullMQ's queue is
     * paused), {@code calls} requests are queued, the workers go on ({@code SIGCONT}), and the time runs until
     * every call's answer is back at the ingress (BullMQ's drain stops the clock when its queue is empty,
     * before any answer would travel back). Returns calls/s.
     */
    private static double drain(IngressRuntime runtime, List<Process> workers, int calls, Map<String, Object> pingArgs)
            throws Exception {
        WorkerProcesses.signal(workers, "-STOP");
        AnswerCount answers = new AnswerCount(calls);
        List<CompletableFuture<String>> queued = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            String id = UUID.randomUUID().toString();
            PendingCall pending = runtime.router().register(id, progress -> { });
            answers.watch(pending.answer());
            queued.add(runtime.submitter().submitAsync("fast", ping(runtime, i, id, pingArgs, Duration.ofMinutes(5)))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long start = System.nanoTime();
        WorkerProcesses.signal(workers, "-CONT");
        answers.check();
        double perSecond = calls / ((System.nanoTime() - start) / 1e9);
        System.out.printf("  drain (%d queued while the workers were stopped): %.0f calls/s%n", calls, perSecond);
        return perSecond;
    }

    private static void row(String name, double answered, double drain, String bull) {
        double bullAnswered = BullMq.number(bull, "answerPerSecond");
        double bullDrain = BullMq.number(bull, "drainPerSecond");
        System.out.printf("%-12s %12.0f %12.0f %11.2fx %12.0f %12.0f %11.2fx%n", name, answered, bullAnswered,
                answered / bullAnswered, drain, bullDrain, drain / bullDrain);
    }

    private static <T> T redisCommand(String uri, java.util.function.Function<
            io.lettuce.core.cluster.api.sync.RedisClusterCommands<String, String>, T> command) throws Exception {
        try (RedisConnections redis = new RedisConnections(uri);
             RedisConnection<String, String> c = redis.strings()) {
            return command.apply(c.sync());
        }
    }

    /** The commands that took most of Redis's time (INFO commandstats), in microseconds per call of the run. */
    private static String commandStats(String info, int calls) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+),usec=(\\d+)")
                .matcher(info);
        List<Map.Entry<String, Long>> stats = new ArrayList<>();
        while (m.find()) {
            stats.add(Map.entry(m.group(1) + " x" + String.format("%.1f", Long.parseLong(m.group(2)) / (double) calls),
                    Long.parseLong(m.group(3))));
        }
        stats.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return stats.stream().limit(8).map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / (double) calls))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The raw Redis floor (see {@link RedisFloor}), after a warm-up. */
    private static double floor(String uri, int calls, int loops) throws Exception {
        try (RedisConnections redis = new RedisConnections(uri)) {
            RedisFloor.run(redis, 2_000, loops, new Stats(2_000));
            return RedisFloor.run(redis, calls, loops, new Stats(calls));
        }
    }
}
