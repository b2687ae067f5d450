package io.mcpca.app.local;

import io.mcpca.ingress.config.IngressProperties;
import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.workers.config.WorkerProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@code mcpca.fallback=local}: the ingress runs calls in this process while Redis is unreachable, on the
 * workers' own code: a {@link PrivateWorker} on a private redis-server, started with the ingress (warm
 * analyzers, like a worker's) and stopped with it. It runs every pool of the catalog, each with
 * {@code mcpca.fallback-concurrency} calls and analyzers (default 2: enough to keep answering, small beside
 * real workers); the other worker settings ({@code mcpca.worker.*}: lock-ttl, session-ttl,
 * sessionless-fast-path, ...) apply as on a worker. Without redis-server the ingress still starts, logs one
 * line, and answers a call that would fall back with UNAVAILABLE saying what is missing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "mcpca", name = "fallback", havingValue = "local")
public class LocalFallbackConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LocalFallbackConfiguration.class);

    @Bean
    LocalCalls localCalls(Environment environment, @Value("${mcpca.fallback-concurrency:2}") int concurrency,
                          McpcaProperties common, IngressProperties ingress, Keys keys, StreamEntries entries,
                          ToolCatalog catalog, PathGuard paths) {
        if (RedisServerProcess.findExecutable().isEmpty()) {
            log.warn("mcpca.fallback=local is off: it needs redis-server on the PATH (Debian: apt-get install "
                    + "redis-server); calls fail with UNAVAILABLE while Redis is unreachable");
            return new NoLocalRedis("the local fallback needs redis-server on the PATH, which is not installed");
        }
        RedisServerProcess server;
        try {
            server = RedisServerProcess.start();
        } catch (RuntimeException e) {
            log.warn("mcpca.fallback=local is off: its private redis-server did not start ({})", e.getMessage());
            return new NoLocalRedis("the local fallback's private redis-server did not start: " + e.getMessage());
        }
        Clock clock = Clock.systemUTC();
        WorkerProperties worker = Binder.get(environment).bind("mcpca.worker", WorkerProperties.class)
                .orElseGet(WorkerProperties::new);
        worker.setPools(catalog.all().stream().filter(t -> !t.answeredByIngress()).map(ToolDescriptor::pool)
                .distinct().toList());
        worker.setConcurrency(concurrency);
        PrivateWorker local = PrivateWorker.start(server, worker, common, keys, entries, catalog, paths, clock);
        log.info("mcpca.fallback=local: a worker on a private redis-server (port {}) runs calls while Redis is "
                + "unreachable", server.port());
        return new PrivateWorkerCalls(local, keys, entries, catalog, common.getPartitions(),
                common.getRequestStreamMaxLen(), ingress.getReplyStreamTtl(), clock);
    }
}
