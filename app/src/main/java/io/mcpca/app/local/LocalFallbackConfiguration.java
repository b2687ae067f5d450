package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.ToolRunner;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code mcpca.fallback=local}: the ingress runs calls in this process while Redis is unreachable. The
 * analyzer pool is started with the ingress (warm, like a worker's), sized by
 * {@code mcpca.fallback-concurrency} (default 2: enough to keep answering, small beside real workers).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "mcpca", name = "fallback", havingValue = "local")
public class LocalFallbackConfiguration {

    @Bean(destroyMethod = "close")
    AnalyzerPool localAnalyzerPool(@Value("${mcpca.fallback-concurrency:2}") int concurrency,
                                   @Value("${mcpca.worker.analyzer-path:}") String configured) {
        return new AnalyzerPool(analyzerBinary(configured), concurrency);
    }

    @Bean
    LocalCalls localCalls(AnalyzerPool localAnalyzerPool, ToolCatalog catalog, PathGuard paths) {
        return new InProcessCalls(new ToolRunner(catalog, paths, localAnalyzerPool, Clock.systemUTC()), "local");
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
