package io.mcpca.workers.config;

import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.workers.consume.CallConsumer;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.lifecycle.WorkerRegistry;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.PendingReclaimer;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.batch.BatchGate;
import io.mcpca.workers.checkout.RepositoryCheckouts;
import java.util.List;
import java.util.Optional;

/**
 * The pieces one worker owns ({@link WorkerAssembly} builds them), closed together on shutdown. The
 * {@link io.mcpca.workers.lifecycle.WorkerLifecycle} starts and stops their loops; this closes what is left.
 */
public record WorkerRuntime(String workerId, List<CallConsumer> consumers, List<AnalyzerPool> analyzerPools,
                            LockWatchdog watchdog, List<RedisConnection<?, ?>> connections,
                            List<PendingReclaimer> reclaimers, ClaimRefresher claims, WorkerRegistry registry,
                            ExecutionStore executions, ReplyBatcher batcher, BatchGate batchGate,
                            Optional<RepositoryCheckouts> checkouts) implements AutoCloseable {
    @Override
    public void close() {
        reclaimers.forEach(PendingReclaimer::close);
        batcher.close();
        claims.close();
        watchdog.close();
        analyzerPools.forEach(AnalyzerPool::close);
        checkouts.ifPresent(RepositoryCheckouts::close);
        connections.forEach(RedisConnection::close);
    }
}
