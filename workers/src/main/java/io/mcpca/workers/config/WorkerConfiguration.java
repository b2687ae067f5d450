package io.mcpca.workers.config;

import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.config.SharedConfiguration;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.lifecycle.WorkerLifecycle;
import io.mcpca.workers.metrics.WorkerMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Wires the worker role: the worker {@link WorkerAssembly} builds on this process's Redis, and its lifecycle. */
@AutoConfiguration(after = SharedConfiguration.class)
@ConditionalOnProperty(prefix = "mcpca.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerConfiguration {

    @Bean(destroyMethod = "close")
    WorkerRuntime workerRuntime(WorkerProperties worker, McpcaProperties common, RedisConnections redis, Keys keys,
                                StreamEntries entries, ToolCatalog catalog, PathGuard paths,
                                ObjectProvider<ResultCache> resultCache,
                                ObjectProvider<SharedFileResults> sharedFiles, ObjectProvider<MeterRegistry> meters) {
        return WorkerAssembly.assemble(worker, common, redis, keys, entries, catalog, paths,
                resultCache.getIfAvailable(() -> ResultCache.NONE),
                sharedFiles.getIfAvailable(() -> SharedFileResults.NONE), Clock.systemUTC(),
                new WorkerMeters(meters.getIfAvailable(SimpleMeterRegistry::new)));
    }

    @Bean
    WorkerLifecycle workerLifecycle(WorkerRuntime runtime, WorkerProperties worker) {
        return WorkerAssembly.lifecycle(runtime, worker);
    }
}
