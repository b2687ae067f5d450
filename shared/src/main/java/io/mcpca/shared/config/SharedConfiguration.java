package io.mcpca.shared.config;

import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.tools.ToolCatalog;
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
    RedisConnections redisConnections(RedisLocator locator) {
        return new RedisConnections(locator.uri());
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
