package io.mcpca.app.local;

import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.config.WorkerAssembly;
import io.mcpca.workers.config.WorkerProperties;
import io.mcpca.workers.config.WorkerRuntime;
import io.mcpca.workers.lifecycle.WorkerLifecycle;
import io.mcpca.workers.run.CancelListener;
import java.time.Clock;

/**
 * The local fallback's worker: the workers' own code ({@link WorkerAssembly}: consumer loops, reclaimers, reply
 * batcher, lease watchdog, warm analyzer pools) on a private {@code redis-server} of this process, so a call run
 * while the configured Redis is unreachable takes the same lease, fence and session write as on a worker.
 * Lifecycle: 1. {@link #start} starts the redis-server (127.0.0.1, free port, no persistence), assembles the
 * worker on it, subscribes its cancel listener and starts its loops; 2. {@link #close} stops the loops (within
 * the worker's shutdown grace), closes the worker and its connections, and stops the redis-server. Its data
 * is its own: nothing is carried over to the configured Redis when it is back, nor back from it.
 */
public final class PrivateWorker implements AutoCloseable {

    private final RedisServerProcess server;
    private final RedisConnections redis;
    private final WorkerRuntime runtime;
    private final WorkerLifecycle lifecycle;
    private final CancelListener cancels;

    private PrivateWorker(RedisServerProcess server, RedisConnections redis, WorkerRuntime runtime,
                          WorkerLifecycle lifecycle, CancelListener cancels) {
        this.server = server;
        this.redis = redis;
        this.runtime = runtime;
        this.lifecycle = lifecycle;
        this.cancels = cancels;
    }

    /** @param worker the worker's settings, its pools and concurrency already the fallback's */
    static PrivateWorker start(RedisServerProcess server, WorkerProperties worker, McpcaProperties common, Keys keys,
                               StreamEntries entries, ToolCatalog catalog, PathGuard paths, Clock clock) {
        RedisConnections redis = new RedisConnections(server.uri());
        try {
            WorkerRuntime runtime = WorkerAssembly.assemble(worker, common, redis, keys, entries, catalog, paths,
                    ResultCache.NONE, SharedFileResults.NONE, clock);
            CancelListener cancels = new CancelListener(redis.pubSub(), keys, runtime.analyzerPools(),
                java.util.Optional.of(runtime.batchGate()));
            WorkerLifecycle lifecycle = WorkerAssembly.lifecycle(runtime, worker);
            lifecycle.start();
            return new PrivateWorker(server, redis, runtime, lifecycle, cancels);
        } catch (RuntimeException e) {
            redis.close();
            server.close();
            throw e;
        }
    }

    RedisConnections redis() {
        return redis;
    }

    /** The private redis-server. */
    public String uri() {
        return server.uri();
    }

    public WorkerRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        lifecycle.stop();
        cancels.close();
        runtime.close();
        redis.close();
        server.close();
    }
}
