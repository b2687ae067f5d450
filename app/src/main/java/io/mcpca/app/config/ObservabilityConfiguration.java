package io.mcpca.app.config;

import io.mcpca.app.observe.AnalyzersHealthIndicator;
import io.mcpca.app.observe.MetricsAddress;
import io.mcpca.app.observe.ProcessRole;
import io.mcpca.app.observe.RedisHealthIndicator;
import io.mcpca.ingress.security.ActuatorAuthFilter;
import io.mcpca.ingress.security.BearerTokens;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.workers.config.WorkerProperties;
import io.mcpca.workers.config.WorkerRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What makes every process observable (README, Observability): the common meter tag {@code role}, the health
 * contributors behind readiness ({@code redis}; {@code analyzers}: a warm analyzer per pool of a worker), and
 * for a worker-only process, whose web server serves only the actuator on {@code mcpca.worker.management-port}:
 * the actuator's token rule and the address it advertises in the worker registry for Prometheus's discovery.
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ObservabilityConfiguration.class);

    @Bean
    MeterRegistryCustomizer<MeterRegistry> roleTag(Environment environment) {
        String role = ProcessRole.of(environment).tag();
        return registry -> registry.config().commonTags("role", role);
    }

    @Bean(destroyMethod = "close")
    RedisHealthIndicator redisHealthIndicator(RedisConnections redis) {
        return new RedisHealthIndicator(redis.strings());
    }

    @Bean
    AnalyzersHealthIndicator analyzersHealthIndicator(ObjectProvider<WorkerRuntime> runtime,
                                                      ObjectProvider<WorkerProperties> worker) {
        WorkerRuntime present = runtime.getIfAvailable();
        return present == null ? new AnalyzersHealthIndicator(Map.of())
                : AnalyzersHealthIndicator.of(worker.getObject().getPools(), present.analyzerPools());
    }

    /** A worker-only process: its web server is the actuator's alone. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication
    @ConditionalOnProperty(prefix = "mcpca.ingress", name = "enabled", havingValue = "false")
    static class WorkerManagement {

        /** The ingress's rule on the worker's actuator: health open, the rest behind the same tokens. */
        @Bean
        FilterRegistrationBean<ActuatorAuthFilter> workerActuatorAuthFilter(Environment environment,
                @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
            Map<String, String> tokens = Binder.get(environment)
                    .bind("mcpca.ingress.tokens", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
            FilterRegistrationBean<ActuatorAuthFilter> registration = new FilterRegistrationBean<>(
                    new ActuatorAuthFilter(new BearerTokens(tokens), basePath));
            registration.addUrlPatterns(basePath + "/*");
            return registration;
        }

        /** Once the port is known (0 picks one), the worker advertises where Prometheus scrapes it. */
        @Bean
        ApplicationListener<WebServerInitializedEvent> advertiseMetricsAddress(ObjectProvider<WorkerRuntime> runtime,
                ObjectProvider<WorkerProperties> worker, @Value("${server.address:}") String serverAddress) {
            return event -> runtime.ifAvailable(r -> {
                String address = MetricsAddress.of(worker.getObject().getAdvertisedHost(), serverAddress,
                        event.getWebServer().getPort());
                log.info("worker actuator at http://{}/actuator (prometheus, health)", address);
                r.registry().advertiseMetrics(address);
            });
        }
    }
}
