package io.mcpca.workers.config;

import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.config.SharedConfiguration;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.consume.CallExecution;
import io.mcpca.workers.consume.ConsumerGroups;
import io.mcpca.workers.consume.JobConsumer;
import io.mcpca.workers.lifecycle.WorkerLifecycle;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.ToolRunner;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Wires the worker role: one consumer, executor and analyzer pool per configured pool. */
@AutoConfiguration(after = SharedConfiguration.class)
@ConditionalOnProperty(prefix = "mcpca.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerConfiguration {

    /** The pieces one worker owns, closed together on shutdown. */
    public record WorkerRuntime(String workerId, List<JobConsumer> consumers, List<AnalyzerPool> analyzerPools,
                                LockWatchdog watchdog, List<StatefulRedisConnection<?, ?>> connections)
            implements AutoCloseable {
        @Override
        public void close() {
            watchdog.close();
            analyzerPools.forEach(AnalyzerPool::close);
            connections.forEach(StatefulRedisConnection::close);
        }
    }

    @Bean(destroyMethod = "close")
    WorkerRuntime workerRuntime(WorkerProperties worker, McpcaProperties common, RedisConnections redis, Keys keys,
                                StreamEntries entries, ToolCatalog catalog, PathGuard paths) {
        String workerId = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        Clock clock = Clock.systemUTC();
        List<StatefulRedisConnection<?, ?>> connections = new ArrayList<>();
        StatefulRedisConnection<byte[], byte[]> shared = redis.bytes();
        StatefulRedisConnection<String, String> strings = redis.strings();
        connections.add(shared);
        connections.add(strings);
        SessionLock lock = new SessionLock(strings.sync(), keys);
        LockWatchdog watchdog = new LockWatchdog(lock, worker.getLockTtl());
        ReplyPublisher replies = new ReplyPublisher(shared.sync(), entries, common.getReplyStreamMaxLen());
        ConsumerGroups groups = new ConsumerGroups(shared.sync(), keys, common.getPartitions());
        Path binary = analyzerBinary(worker);

        List<JobConsumer> consumers = new ArrayList<>();
        List<AnalyzerPool> analyzerPools = new ArrayList<>();
        for (String pool : worker.getPools()) {
            AnalyzerPool analyzers = new AnalyzerPool(binary, worker.getConcurrency());
            analyzerPools.add(analyzers);
            ToolRunner runner = new ToolRunner(catalog, paths, analyzers, clock);
            CallExecution execution = new CallExecution(shared.sync(), entries, keys, lock, watchdog, runner, replies,
                    worker.getLockTtl(), workerId, clock);
            StatefulRedisConnection<byte[], byte[]> blocking = redis.bytes();
            connections.add(blocking);
            consumers.add(new JobConsumer(pool, workerId, blocking.sync(), groups, execution,
                    executor(pool, worker.getConcurrency()), worker.getConcurrency(), worker.getReadBlock()));
        }
        return new WorkerRuntime(workerId, consumers, analyzerPools, watchdog, connections);
    }

    @Bean
    WorkerLifecycle workerLifecycle(WorkerRuntime runtime, WorkerProperties worker) {
        return new WorkerLifecycle(runtime.consumers(), worker.getShutdownGrace(), runtime.workerId());
    }

    /** The analyzer binary: the configured path, else -Dmcpca.analyzer.path, else the one cargo builds here. */
    static Path analyzerBinary(WorkerProperties worker) {
        if (!worker.getAnalyzerPath().toString().isEmpty()) {
            return worker.getAnalyzerPath().toAbsolutePath();
        }
        String fromSystem = System.getProperty("mcpca.analyzer.path", System.getenv("MCPCA_ANALYZER"));
        if (fromSystem != null && !fromSystem.isBlank()) {
            return Path.of(fromSystem).toAbsolutePath();
        }
        return Path.of("rust-workers", "target", "release", "mcpca-analyzer").toAbsolutePath();
    }

    private static ExecutorService executor(String pool, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> new Thread(r, "call-" + pool + "-" + n.incrementAndGet()));
    }
}
