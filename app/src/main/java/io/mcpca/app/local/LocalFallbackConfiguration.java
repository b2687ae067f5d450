package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.session.LocalSessionStore;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.cache.SharedFileResults;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.AnalyzerProcess;
import io.mcpca.workers.run.ToolRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * {@code mcpca.fallback=local}: the ingress runs calls in this process while Redis is unreachable. The
 * analyzer pool is started with the ingress (warm, like a worker's), sized by
 * {@code mcpca.fallback-concurrency} (default 2: enough to keep answering, small beside real workers).
 * Sessions and their leases live in a {@link LocalSessionStore} of this process; the worker's settings
 * apply to them as they would on Redis ({@code mcpca.worker.lock-ttl}, {@code session-ttl},
 * {@code sessionless-fast-path}, with the worker's defaults).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "mcpca", name = "fallback", havingValue = "local")
public class LocalFallbackConfiguration {

    @Bean(destroyMethod = "close")
    AnalyzerPool localAnalyzerPool(@Value("${mcpca.fallback-concurrency:2}") int concurrency,
                                   @Value("${mcpca.worker.analyzer-path:}") String configured,
                                   @Value("${mcpca.worker.max-result-size:" + AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES + "B}") DataSize maxResultSize) {
        return new AnalyzerPool(analyzerBinary(configured), concurrency, List.of(), SharedFileResults.NONE,
                maxResultSize.toBytes());
    }

    /** The sessions of calls run here; not carried over to Redis when it is back (nor back from it). */
    @Bean
    LocalSessionStore localSessionStore() {
        Clock clock = Clock.systemUTC();
        return new LocalSessionStore(clock, ContentionBackoff.standard(clock));
    }

    @Bean
    LocalCalls localCalls(AnalyzerPool localAnalyzerPool, LocalSessionStore localSessionStore, ToolCatalog catalog,
                          PathGuard paths, @Value("${mcpca.worker.lock-ttl:30s}") Duration lockTtl,
                          @Value("${mcpca.worker.session-ttl:24h}") Duration sessionTtl,
                          @Value("${mcpca.worker.sessionless-fast-path:true}") boolean sessionlessFastPath) {
        Clock clock = Clock.systemUTC();
        Set<String> sessionless = sessionlessFastPath
                ? catalog.sessionlessNames()
                : Set.of();
        return new InProcessCalls(new ToolRunner(catalog, paths, localAnalyzerPool, clock), localSessionStore,
                sessionless, new InProcessCalls.Settings(lockTtl, sessionTtl), clock, "local");
    }

    /** Same search as the worker's: configured path, -Dmcpca.analyzer.path / MCPCA_ANALYZER, the cargo build. */
    static Path analyzerBinary(String configured) {
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String fromSystem = System.getProperty("mcpca.analyzer.path", System.getenv("MCPCA_ANALYZER"));
        if (fromSystem != null && !fromSystem.isBlank()) {
            return Path.of(fromSystem).toAbsolutePath();
        }
        return Path.of("rust-workers", "target", "release", "mcpca-analyzer").toAbsolutePath();
    }
}
