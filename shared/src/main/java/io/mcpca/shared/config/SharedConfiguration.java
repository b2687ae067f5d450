package io.mcpca.shared.config;

import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisClientSettings;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisInfoExporter;
import io.mcpca.shared.redis.RedisStartupCheck;
import io.mcpca.shared.registry.LiveWorkers;
import io.mcpca.shared.registry.LiveWorkersGauge;
import io.mcpca.shared.tools.ToolDescriptor;
import java.time.Clock;
import java.util.List;
import io.mcpca.shared.tools.ToolCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The beans both services share: the chosen Redis, key names, codecs, the tool catalog, path confinement. */
@AutoConfiguration
@EnableConfigurationProperties(McpcaProperties.class)
public class SharedConfiguration {

    @Bean(destroyMethod = "close")
    RedisLocator redisLocator(McpcaProperties properties) {
        return RedisLocator.locate(properties.getRedisUrl());
    }

    @Bean(destroyMethod = "close")
    RedisConnections redisConnections(RedisLocator locator, McpcaProperties properties,
                                      ObjectProvider<MeterRegistry> meters) {
        RedisClientSettings settings = properties.getRedis().clientSettings();
        RedisConnections connections = new RedisConnections(locator.uri(), settings,
                Optional.ofNullable(meters.getIfAvailable()));
        try {
            RedisStartupCheck.reach(connections, locator.uri(), settings, properties.getRedis().getStartupWait());
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
        return connections;
    }

    /** Redis INFO and stream lengths as gauges, on a connection of its own; bound when a meter registry exists. */
    @Bean(destroyMethod = "close")
    RedisInfoExporter redisInfoExporter(RedisConnections redis, Keys keys, ToolCatalog catalog,
                                        McpcaProperties properties, ObjectProvider<MeterRegistry> meters) {
        RedisInfoExporter exporter = new RedisInfoExporter(redis.strings(), keys, pools(catalog),
                properties.getPartitions(), System::nanoTime);
        meters.ifAvailable(exporter::bindTo);
        return exporter;
    }

    /** mcpca.workers.live per pool, from the worker registry; bound when a meter registry exists. */
    @Bean(destroyMethod = "close")
    LiveWorkersMeter liveWorkersMeter(RedisConnections redis, Keys keys, ToolCatalog catalog,
                                      ObjectProvider<MeterRegistry> meters) {
        RedisConnection<String, String> connection = redis.strings();
        LiveWorkersGauge gauge = new LiveWorkersGauge(new LiveWorkers(connection.sync(), keys, Clock.systemUTC()),
                pools(catalog), System::nanoTime);
        meters.ifAvailable(gauge::bindTo);
        return new LiveWorkersMeter(gauge, connection);
    }

    /** The live-workers gauge and the connection it reads on, closed with the context. */
    public record LiveWorkersMeter(LiveWorkersGauge gauge, RedisConnection<String, String> connection)
            implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
        }
    }

    /** The pools the tool catalogue names, in order. */
    static List<String> pools(ToolCatalog catalog) {
        return catalog.all().stream().map(ToolDescriptor::pool).distinct().toList();
    }

    @Bean
    Keys keys(McpcaProperties properties) {
        return new Keys(properties.getPrefix());
    }

    @Bean
    StreamEntries streamEntries(McpcaProperties properties) {
        return new StreamEntries(JacksonCodec.named(properties.getCodec()), properties.getCompressAboveBytes());
    }

    @Bean
    ToolCatalog toolCatalog() {
        return ToolCatalog.builtIn();
    }

    @Bean
    PathGuard pathGuard(McpcaProperties properties) {
        return new PathGuard(properties.getRoots());
    }
}
