package io.mcpca.workers.config;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mcpca.shared.config.SharedConfiguration;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.workers.cache.CacheInvalidations;
import io.mcpca.workers.cache.RedisSharedFileResults;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.cache.TieredResultCache;
import io.mcpca.workers.run.AnalyzerBuild;
import io.mcpca.workers.run.CancelListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The worker's result cache and its pub/sub listeners (cache invalidation, cancellation). Pub/sub needs
 * connections of its own (a subscribed connection takes no other commands), cut from the process's one client
 * (so they reach Redis as every other connection does: its TLS settings, its Sentinel master).
 */
@AutoConfiguration(after = SharedConfiguration.class)
@ConditionalOnProperty(prefix = "mcpca.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ResultCacheProperties.class)
public class WorkerEventsConfiguration {

    /** The worker's cache, its connection and its invalidation listener, closed together. */
    public record WorkerEvents(RedisConnections redis, RedisConnection<String, byte[]> cacheConnection,
                               TieredResultCache cache, CacheInvalidations invalidations) implements AutoCloseable {
        @Override
        public void close() {
            invalidations.close();
            cache.close();
            cacheConnection.close();
        }
    }

    @Bean(destroyMethod = "close")
    WorkerEvents workerEvents(RedisConnections redis, Keys keys, ResultCacheProperties properties,
                              WorkerProperties worker, ObjectProvider<MeterRegistry> meters) {
        RedisConnection<String, byte[]> connection =
                redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        TieredResultCache cache = new TieredResultCache(connection.sync(), keys, new HashSet<>(properties.getTools()),
                properties.getResultTtl(), properties.getL1MaxBytes(), properties.getCompressAboveBytes(),
                AnalyzerBuild.of(WorkerAssembly.analyzerBinary(worker)), meters.getIfAvailable(SimpleMeterRegistry::new));
        CacheInvalidations invalidations = new CacheInvalidations(redis.pubSub(), keys, cache::dropLocal);
        return new WorkerEvents(redis, connection, cache, invalidations);
    }

    /** Per-file results shared with other workers, on a connection of their own (see RedisSharedFileResults). */
    @Bean
    SharedFileResults sharedFileResults(WorkerEvents events, Keys keys, ResultCacheProperties properties,
                                        ObjectProvider<MeterRegistry> meters) {
        if (!properties.isSharedFiles()) {
            return SharedFileResults.NONE;
        }
        RedisConnection<String, byte[]> connection =
                events.redis().connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        return new RedisSharedFileResults(connection, keys, properties.getSharedFileTtl(),
                properties.getKnowledgeGraphTtl(), properties.getKnowledgeGraphMaxBytes(),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    ResultCache resultCache(WorkerEvents events, ResultCacheProperties properties) {
        return properties.isEnabled() ? events.cache() : ResultCache.NONE;
    }

    @Bean(destroyMethod = "close")
    CancelListener cancelListener(WorkerEvents events, Keys keys, WorkerRuntime runtime) {
        return new CancelListener(events.redis().pubSub(), keys, runtime.analyzerPools(),
                java.util.Optional.of(runtime.batchGate()));
    }
}
