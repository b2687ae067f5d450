package io.mcpca.workers.config;

import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.PoolBacklog;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.shared.redis.RedisRights;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.consume.AnalyzerAttempts;
import io.mcpca.workers.consume.Answers;
import io.mcpca.workers.consume.CallHandler;
import io.mcpca.workers.consume.CallRoles;
import io.mcpca.workers.consume.HandBacks;
import io.mcpca.workers.consume.ConsumerGroups;
import io.mcpca.workers.consume.CallConsumer;
import io.mcpca.workers.lifecycle.WorkerLifecycle;
import io.mcpca.workers.lifecycle.WorkerRegistry;
import io.mcpca.workers.metrics.PoolMeters;
import io.mcpca.workers.metrics.WorkerMeters;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.DeadLetters;
import io.mcpca.workers.recover.PendingReclaimer;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.checkout.RepositoryCheckouts;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.Sharding;
import io.mcpca.workers.run.ToolRunner;
import io.mcpca.workers.batch.BatchGate;
import io.mcpca.workers.batch.BatchOutcomes;
import io.mcpca.workers.shard.ShardFanOut;
import io.mcpca.workers.shard.ShardRecords;
import io.mcpca.workers.shard.ShardSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds one worker on a Redis: per configured pool an analyzer pool, a consumer loop with its call execution
 * and a reclaimer, plus the reply batcher, lease watchdog, claim refresher and registry they share. Plain Java,
 * so the worker role ({@link WorkerConfiguration}) and the ingress's local fallback (a worker on a private
 * redis-server) run the very same worker code.
 */
public final class WorkerAssembly {

    private WorkerAssembly() {
    }

    /** A worker on {@code redis}; nothing runs until {@link #lifecycle}'s start. */
    public static WorkerRuntime assemble(WorkerProperties worker, McpcaProperties common, RedisConnections redis,
                                         Keys keys, StreamEntries entries, ToolCatalog catalog, PathGuard paths,
                                         ResultCache resultCache, SharedFileResults sharedFiles, Clock clock) {
        return assemble(worker, common, redis, keys, entries, catalog, paths, resultCache, sharedFiles, clock,
                WorkerMeters.NONE);
    }

    /** As above, counting into {@code meters} (the meter catalogue's worker meters). */
    public static WorkerRuntime assemble(WorkerProperties worker, McpcaProperties common, RedisConnections redis,
                                         Keys keys, StreamEntries entries, ToolCatalog catalog, PathGuard paths,
                                         ResultCache resultCache, SharedFileResults sharedFiles, Clock clock,
                                         WorkerMeters meters) {
        String workerId = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        try (RedisConnection<String, String> probe = redis.strings()) {
            RedisRights.check(probe, RedisRights.Role.WORKER, common.getPrefix(), common.getRedis().getWaitReplicas() > 0);
        }
        List<RedisConnection<?, ?>> connections = new ArrayList<>();
        RedisConnection<byte[], byte[]> shared = redis.bytes();
        RedisConnection<String, String> strings = redis.strings();
        connections.add(shared);
        connections.add(strings);
        SessionLock lock = new SessionLock(strings.sync(), keys);
        LockWatchdog watchdog = new LockWatchdog(lock, worker.getLockTtl());
        ReplyPublisher replies = new ReplyPublisher(shared.sync(), entries, common.getReplyStreamMaxLen());
        ConsumerGroups groups = new ConsumerGroups(shared.sync(), keys, common.getPartitions());
        ContentionBackoff contention = ContentionBackoff.standard(clock);
        ExecutionStore executions = new ExecutionStore(strings.sync(), keys, worker.getExecutionTtl(),
                worker.getTerminalExecutionTtl(), clock);
        // the batcher's connections are its own: auto-flush is off on them, so nothing else may share them
        RedisConnection<byte[], byte[]> batchStreams = redis.bytes();
        RedisConnection<String, String> batchScripts = redis.strings();
        connections.add(batchStreams);
        connections.add(batchScripts);
        CallFinish finishes = new CallFinish(strings.sync(), keys, worker.getTerminalExecutionTtl(),
                (int) worker.getMaxKeptReply().toBytes(), clock);
        ReplyBatcher batcher = new ReplyBatcher(batchStreams, batchScripts, entries, executions, finishes, workerId,
                common.getReplyStreamMaxLen());
        batcher.releaseLostLeasesWith(watchdog);
        ReplicaWait durability = common.getRedis().replicaWait();
        meters.watchReplicaWait(durability);
        batcher.setDurability(durability);
        for (int lane = 1; lane < worker.getReplyFlushers(); lane++) {
            RedisConnection<byte[], byte[]> laneStreams = redis.bytes();
            RedisConnection<String, String> laneScripts = redis.strings();
            connections.add(laneStreams);
            connections.add(laneScripts);
            batcher.addLane(laneStreams, laneScripts);
        }
        Set<String> sessionless = worker.isSessionlessFastPath()
                ? catalog.sessionlessNames()
                : Set.of();
        ClaimRefresher claims = new ClaimRefresher(strings.sync(), workerId, worker.getMinIdle());
        DeadLetters deadLetters = new DeadLetters(shared.sync(), keys, executions, replies, workerId);
        // batch items: their outcomes recorded in their batch (with the reply, before the XACK; dead letters too)
        McpcaProperties.Batch batchLimits = common.getBatch();
        BatchOutcomes batchOutcomes = new BatchOutcomes(strings.sync(), keys, clock,
                (int) batchLimits.getInlineResultMax().toBytes(), batchLimits.longestLifetime());
        batcher.recordBatchItems(batchOutcomes);
        deadLetters.recordBatchItems(batchOutcomes);
        BatchGate batchGate = new BatchGate(strings.sync(), keys);
        AnalyzerAttempts.Retries retries = new AnalyzerAttempts.Retries(worker.getTransientRetries(),
                worker.getRetryBackoff());
        HandBacks handBacks = new HandBacks(claims, executions, workerId);
        Answers answers = new Answers(batcher, finishes, worker.getSessionTtl(), workerId);
        CallStart starts = new CallStart(strings.sync(), keys, worker.getExecutionTtl(), worker.getSessionTtl(), clock);
        ShardRecords shardRecords = new ShardRecords(strings.sync(), shared.sync(), keys, entries,
                common.getRequestStreamMaxLen());
        CallRoles roles = new CallRoles(entries, deadLetters, sessionless, starts, contention, watchdog, lock, replies,
                batcher, claims, handBacks, answers, retries, ContentionBackoff.Sleeper.THREAD, worker.getLockTtl(), clock,
                workerId, shardRecords);
        ShardSettings shardSettings = new ShardSettings(worker.isShards(), worker.getShardMinBytes().toBytes(),
                worker.getShardTargetBytes().toBytes(), worker.getMaxShards());
        List<PendingReclaimer> reclaimers = new ArrayList<>();
        Path binary = analyzerBinary(worker);

        // one checkout cache per worker process, shared by its pools' analyzers (decision 017)
        java.util.Optional<RepositoryCheckouts> checkouts = catalog.inPools(worker.getPools()).stream()
                .anyMatch(t -> t.name().equals("analyze-repository"))
                ? java.util.Optional.of(RepositoryCheckouts.configured(worker.getCheckout(), paths, clock))
                : java.util.Optional.empty();
        List<CallConsumer> consumers = new ArrayList<>();
        List<AnalyzerPool> analyzerPools = new ArrayList<>();
        batcher.setMeters(meters);
        deadLetters.setMeters(meters);
        PoolBacklog backlog = new PoolBacklog(shared.sync(), keys, common.getPartitions(), System::nanoTime);
        for (String pool : worker.getPools()) {
            AnalyzerPool analyzers = new AnalyzerPool(binary, worker.getConcurrency(), serveOptions(worker),
                    sharedFiles, worker.getMaxResultSize().toBytes());
            analyzerPools.add(analyzers);
            PoolMeters poolMeters = meters.pool(pool);
            analyzers.setMeters(poolMeters);
            meters.watchAnalyzers(pool, analyzers);
            meters.watchBacklog(pool, backlog);
            // the pool's read loop starts the session-locked calls of a read on it, pipelined (auto-flush off)
            RedisConnection<String, String> startPipeline = redis.strings();
            connections.add(startPipeline);
            // the pool's read loop reads on it, and sends with each read the replies of the calls it answered (on a
            // cluster it reads each partition on a connection of its own, opened by the loop)
            RedisConnection<byte[], byte[]> blocking = redis.bytes();
            connections.add(blocking);
            LoopReplies loopReplies = new LoopReplies(blocking, entries, common.getReplyStreamMaxLen(), redis::bytes);
            loopReplies.setMeters(meters);
            // the tree tools of this pool run as shards when their tree is large (decisions 018, 021)
            java.util.Set<String> shardable = new java.util.HashSet<>();
            for (String tree : List.of("analyze-metrics", "analyze-repository")) {
                catalog.find(tree).filter(t -> t.pool().equals(pool)).ifPresent(t -> shardable.add(t.name()));
            }
            Sharding sharding = shardable.isEmpty() ? Sharding.NONE
                    : new ShardFanOut(shardable, shardSettings, shardRecords, keys, common.getPartitions(), pool, clock);
            CallHandler handler = roles.forPool(new ToolRunner(catalog, paths, analyzers, clock, resultCache,
                            java.util.Optional.of(batchGate), checkouts, sharding),
                    loopReplies, startPipeline, poolMeters, resultCache);
            CallConsumer consumer = new CallConsumer(pool, workerId, loopReplies, groups, handler, claims,
                    executor(pool, worker.getConcurrency()), worker.getConcurrency(), worker.getReadBlock(),
                    java.util.Optional.of(batcher));
            consumer.setMeters(poolMeters);
            consumer.setBatchReadAhead(worker.getBatchReadAhead().getOrDefault(pool, 0));
            consumers.add(consumer);
            PendingReclaimer reclaimer = new PendingReclaimer(pool, workerId, shared.sync(), groups, entries, executions,
                    deadLetters, consumer, worker.getMinIdle(), worker.getReclaimPeriod(), worker.getMaxDeliveries());
            reclaimer.setMeters(poolMeters);
            reclaimers.add(reclaimer);
        }
        Map<String, String> tools = new LinkedHashMap<>();
        catalog.inPools(worker.getPools()).forEach((ToolDescriptor t) -> tools.put(t.name(), t.version()));
        WorkerRegistry registry = new WorkerRegistry(strings.sync(), keys, workerId, worker.getPools(), tools,
                worker.getConcurrency(), worker.getHeartbeatPeriod(), clock);
        return new WorkerRuntime(workerId, consumers, analyzerPools, watchdog, connections, reclaimers, claims,
                registry, executions, batcher, batchGate, checkouts);
    }

    /** What starts the worker's loops and stops them within {@code shutdown-grace}. */
    public static WorkerLifecycle lifecycle(WorkerRuntime runtime, WorkerProperties worker) {
        return new WorkerLifecycle(runtime.consumers(), runtime.reclaimers(), runtime.claims(), runtime.registry(),
                runtime.batcher(), worker.getShutdownGrace(), runtime.workerId());
    }

    /** The analyzer binary: the configured path, else -Dmcpca.analyzer.path, else the one cargo builds here. */
    public static Path analyzerBinary(WorkerProperties worker) {
        if (!worker.getAnalyzerPath().toString().isEmpty()) {
            return worker.getAnalyzerPath().toAbsolutePath();
        }
        String fromSystem = System.getProperty("mcpca.analyzer.path", System.getenv("MCPCA_ANALYZER"));
        if (fromSystem != null && !fromSystem.isBlank()) {
            return Path.of(fromSystem).toAbsolutePath();
        }
        return Path.of("rust-workers", "target", "release", "mcpca-analyzer").toAbsolutePath();
    }

    /** The options every analyzer process of this worker is started with. */
    static List<String> serveOptions(WorkerProperties worker) {
        List<String> options = new java.util.ArrayList<>();
        if (!worker.getAnalyzerCacheDir().toString().isEmpty()) {
            options.addAll(List.of("--cache-dir", worker.getAnalyzerCacheDir().toAbsolutePath().toString()));
        }
        if (worker.getAnalyzerSmallFileBytes() > 0) {
            options.addAll(List.of("--small-file-bytes", Long.toString(worker.getAnalyzerSmallFileBytes())));
        }
        return List.copyOf(options);
    }

    private static ExecutorService executor(String pool, int threads) {
        return CallConsumer.callThreads(pool, threads);
    }
}
