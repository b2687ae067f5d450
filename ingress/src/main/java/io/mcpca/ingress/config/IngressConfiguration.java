package io.mcpca.ingress.config;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.mcpca.ingress.discovery.PrometheusTargets;
import io.mcpca.ingress.batch.BatchItems;
import io.mcpca.ingress.batch.BatchStore;
import io.mcpca.ingress.batch.BatchTools;
import io.mcpca.ingress.insight.InsightTools;
import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.ingress.session.SessionDirectory;
import io.mcpca.ingress.session.SessionTools;
import io.mcpca.ingress.metrics.IngressMeters;
import io.mcpca.ingress.metrics.McpSessionCount;
import io.mcpca.ingress.mcp.ArgumentCompletions;
import io.mcpca.ingress.mcp.CancellationFilter;
import io.mcpca.ingress.mcp.FlowControl;
import io.mcpca.ingress.mcp.InFlightCalls;
import io.mcpca.ingress.mcp.JsonRpcEnvelopeFilter;
import io.mcpca.ingress.mcp.ServletErrorGuard;
import io.mcpca.ingress.mcp.McpServerFactory;
import io.mcpca.ingress.mcp.StdioSession;
import io.mcpca.ingress.mcp.ToolCallHandler;
import io.mcpca.ingress.mcp.ToolHandler;
import io.mcpca.ingress.prompts.AnalysisPrompts;
import io.mcpca.ingress.report.ReportTool;
import io.mcpca.ingress.resources.AnalysisResources;
import io.mcpca.ingress.reply.ReplyRouter;
import io.mcpca.ingress.reply.ReplyStreamKeeper;
import io.mcpca.ingress.security.ActuatorAuthFilter;
import io.mcpca.ingress.security.BearerAuthFilter;
import io.mcpca.ingress.security.BearerTokens;
import io.mcpca.ingress.security.HostOriginFilter;
import io.mcpca.ingress.security.PrincipalRateLimits;
import io.mcpca.ingress.security.SessionOwners;
import io.mcpca.ingress.submit.CancelPublisher;
import io.mcpca.shared.redis.PoolBacklog;
import io.mcpca.ingress.submit.RequestSubmitter;
import io.mcpca.shared.redis.RedisRights;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.ingress.submit.SubmitGate;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.config.SharedConfiguration;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.registry.LiveWorkers;
import io.micrometer.core.instrument.MeterRegistry;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;

/** Wires the ingress role: reply routing and submission on Redis, and the MCP server on HTTP or stdio. */
@AutoConfiguration(after = SharedConfiguration.class)
@ConditionalOnProperty(prefix = "mcpca.ingress", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties({IngressProperties.class, InsightProperties.class})
public class IngressConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngressConfiguration.class);
    public static final String MCP_PATH = "/mcp";

    /** The ingress's Redis side: its reply stream, router and submitter, and their connections. */
    public record IngressRuntime(String ingressId, String replyStream, ReplyRouter router, RequestSubmitter submitter,
                                 RedisConnection<byte[], byte[]> shared,
                                 RedisConnection<byte[], byte[]> blocking) {
    }

    /**
     * Starts reply routing before the web server takes calls, and on shutdown stops it after the web
     * server stopped taking them: then deletes this instance's reply stream and closes its connections.
     */
    static final class IngressLifecycle implements SmartLifecycle {

        private final IngressRuntime runtime;
        private final ReplyStreamKeeper keeper;
        private volatile boolean running;

        IngressLifecycle(IngressRuntime runtime, ReplyStreamKeeper keeper) {
            this.runtime = runtime;
            this.keeper = keeper;
        }

        @Override
        public void start() {
            runtime.router().start();
            keeper.start();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            keeper.close();
            runtime.router().stop();
            try {
                runtime.shared().sync().del(runtime.replyStream().getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                log.debug("reply stream not deleted (Redis unavailable); it is trimmed and harmless: {}", e.getMessage());
            }
            runtime.blocking().close();
            runtime.shared().close();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            // below the web server's phase: started before it, stopped after it
            return Integer.MAX_VALUE - 4096;
        }
    }

    /** The ingress's meters, into the process's registry (none without the actuator: an embedded client, say). */
    @Bean
    IngressMeters ingressMeters(ObjectProvider<MeterRegistry> meters) {
        MeterRegistry registry = meters.getIfAvailable();
        return registry == null ? IngressMeters.NONE : new IngressMeters(registry, Clock.systemUTC());
    }

    @Bean
    IngressLifecycle ingressLifecycle(IngressRuntime runtime, IngressProperties ingress) {
        ReplyStreamKeeper keeper = new ReplyStreamKeeper(runtime.shared().sync(), runtime.replyStream(),
                ingress.getReplyStreamTtl());
        runtime.router().onStreamCreated(keeper::refresh);
        return new IngressLifecycle(runtime, keeper);
    }

    /** The flow control of tool calls and the connection its cancel events go out on. */
    public record IngressGuards(FlowControl flow, RedisConnection<String, String> events)
            implements AutoCloseable {
        @Override
        public void close() {
            events.close();
        }
    }

    @Bean(destroyMethod = "close")
    IngressGuards ingressGuards(IngressRuntime runtime, IngressProperties ingress, McpcaProperties common,
                                RedisConnections redis, Keys keys, ObjectProvider<LocalCalls> local,
                                IngressMeters meters, ObjectProvider<MeterRegistry> registry) {
        PoolBacklog backlog = new PoolBacklog(runtime.shared().sync(), keys, common.getPartitions(), System::nanoTime);
        SubmitGate gate = new SubmitGate(runtime.submitter(), backlog::of, ingress.getMaxPoolBacklog(),
                ingress.getRedisRetryAfter());
        RedisConnection<String, String> events = redis.strings();
        Optional<LocalCalls> fallback = Optional.ofNullable(local.getIfAvailable());
        fallback.ifPresent(l -> log.info("mcpca.fallback=local: calls that find Redis unreachable go to the local fallback"));
        PrincipalRateLimits rateLimits = new PrincipalRateLimits(ingress.getRateLimitPerSecond());
        registry.ifAvailable(r -> {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(gate.breakers()).bindTo(r);
            TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimits.registry()).bindTo(r);
        });
        runtime.router().onReplyRead(meters::replyRead);
        FlowControl flow = new FlowControl(gate, rateLimits, ingress.getMaxInlineArgumentBytes(),
                ingress.getMaxInlineCallBytes(), new CancelPublisher(events.async(), keys), new InFlightCalls(), fallback,
                meters);
        return new IngressGuards(flow, events);
    }

    @Bean
    IngressRuntime ingressRuntime(IngressProperties ingress, McpcaProperties common, RedisConnections redis,
                                  Keys keys, StreamEntries entries, ObjectProvider<MeterRegistry> meters) {
        try (RedisConnection<String, String> probe = redis.strings()) {
            RedisRights.check(probe, RedisRights.Role.INGRESS, common.getPrefix(), common.getRedis().getWaitReplicas() > 0);
        }
        String id = ingress.getId().isBlank() ? UUID.randomUUID().toString() : ingress.getId();
        String replyStream = keys.replyStream(id);
        RedisConnection<byte[], byte[]> shared = redis.bytes();
        RedisConnection<byte[], byte[]> blocking = redis.bytes();
        ReplyRouter router = new ReplyRouter(blocking, entries, replyStream);
        ReplicaWait durability = common.getRedis().replicaWait();
        meters.ifAvailable(registry -> durability.bindTo(registry, "ingress"));
        RequestSubmitter submitter = new RequestSubmitter(shared, entries, keys, common.getPartitions(),
                common.getRequestStreamMaxLen(), durability);
        return new IngressRuntime(id, replyStream, router, submitter, shared, blocking);
    }

    @Bean
    McpJsonMapper mcpJsonMapper() {
        return McpJsonDefaults.getMapper();
    }

    /**
     * The one connection the tools the ingress answers itself (batches, insights, sessions) read and write on: their
     * commands are short, so they share it as the submitters share {@link IngressRuntime#shared()}.
     */
    public record AnsweringConnection(RedisConnection<String, String> connection) implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
        }
    }

    @Bean(destroyMethod = "close")
    AnsweringConnection answeringConnection(RedisConnections redis) {
        return new AnsweringConnection(redis.strings());
    }

    @Bean
    BatchTools batchTools(IngressRuntime runtime, McpcaProperties common, AnsweringConnection answering, Keys keys,
                          StreamEntries entries, ToolCatalog catalog, PathGuard paths, IngressGuards guards) {
        Clock clock = Clock.systemUTC();
        RedisConnection<String, String> connection = answering.connection();
        PoolBacklog backlog = new PoolBacklog(runtime.shared().sync(), keys, common.getPartitions(), System::nanoTime);
        McpcaProperties.Batch limits = common.getBatch();
        BatchStore store = new BatchStore(connection.sync(), runtime.shared().async(), entries, keys, limits,
                backlog::ofBatchLane, common.getRequestStreamMaxLen(), clock);
        return new BatchTools(new BatchItems(catalog, paths, limits.getMaxItems()), store,
                connection.sync(), keys, limits, guards.flow().rateLimits(),
                new CancelPublisher(connection.async(), keys), runtime.replyStream(), clock);
    }

    @Bean
    InsightTools insightTools(AnsweringConnection answering, Keys keys, PathGuard paths, InsightProperties insights) {
        return new InsightTools(answering.connection().sync(), keys, paths, insights.limits(), Clock.systemUTC());
    }

    /** Who owns which session: the session tools answer from it, and tool calls name their session through it. */
    @Bean
    SessionDirectory sessionDirectory(AnsweringConnection answering, Keys keys,
                                      @Value("${mcpca.worker.session-ttl:24h}") Duration sessionTtl) {
        return new SessionDirectory(answering.connection().sync(), keys, sessionTtl, Clock.systemUTC());
    }

    @Bean
    SessionTools sessionTools(SessionDirectory sessions) {
        return new SessionTools(sessions);
    }

    @Bean
    McpServerFactory mcpServerFactory(IngressRuntime runtime, IngressProperties ingress, ToolCatalog catalog,
                                      PathGuard paths, McpJsonMapper json, IngressGuards guards, IngressMeters meters,
                                      BatchTools batches, InsightTools insights,
                                      SessionTools sessionTools, SessionDirectory sessions) {
        Clock clock = Clock.systemUTC();
        ArgumentCompletions completions = new ArgumentCompletions(catalog.all(), paths);
        return new McpServerFactory(catalog.all(), (tool, invoker) -> ReportTool.NAME.equals(tool.name())
                ? new ReportTool(invoker).handler() : handlerOf(tool, runtime, ingress, paths, guards, batches,
                insights, sessionTools, sessions, clock), json, completions, meters,
                invoker -> List.of(new AnalysisPrompts(invoker, completions), new AnalysisResources(invoker)));
    }

    /** Who answers a tool: the ingress itself (insights, sessions, batches) or a worker through Redis. */
    private static ToolHandler handlerOf(ToolDescriptor tool, IngressRuntime runtime, IngressProperties ingress,
                                         PathGuard paths, IngressGuards guards, BatchTools batches,
                                         InsightTools insights, SessionTools sessionTools, SessionDirectory sessions,
                                         Clock clock) {
        if (InsightTools.NAMES.contains(tool.name())) {
            return insights.handlerFor(tool);
        }
        if (SessionTools.NAMES.contains(tool.name())) {
            return sessionTools.handlerFor(tool);
        }
        if (tool.answeredByIngress()) {
            return batches.handlerFor(tool);
        }
        return new ToolCallHandler(tool, paths, runtime.router(), runtime.replyStream(), ingress.getCallTimeout(), clock,
                guards.flow(), sessions);
    }

    /** MCP over stdin/stdout, for clients that launch the server as a child process. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "mcpca.ingress", name = "stdio", havingValue = "true")
    static class StdioTransport {

        @Bean(destroyMethod = "close")
        StdioSession stdioSession(McpServerFactory factory, McpJsonMapper json, IngressRuntime runtime,
                                  IngressProperties ingress) {
            return new StdioSession(factory, json, runtime.router()::pendingCount, ingress.getCallTimeout());
        }
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /*
     * The filters of /mcp, in the order they run: Host/Origin (DNS rebinding), bearer authentication, the JSON-RPC
     * envelope check, cancellation (reads the checked message), and innermost the guard around the SDK's servlet.
     */
    static final int ORDER_HOST = Ordered.LOWEST_PRECEDENCE - 20;
    static final int ORDER_AUTH = Ordered.LOWEST_PRECEDENCE - 10;
    static final int ORDER_ENVELOPE = Ordered.LOWEST_PRECEDENCE - 5;
    static final int ORDER_CANCEL = Ordered.LOWEST_PRECEDENCE - 3;
    static final int ORDER_GUARD = Ordered.LOWEST_PRECEDENCE;

    /** Whether a request URI is the MCP endpoint (or under it), as the filters' URL patterns match it. */
    static boolean isMcpPath(String uri) {
        return uri != null && (uri.equals(MCP_PATH) || uri.startsWith(MCP_PATH + "/"));
    }

    /** {@code filter} on {@code /mcp}, at {@code order} (lower runs first). */
    static <F extends jakarta.servlet.Filter> FilterRegistrationBean<F> mcpFilter(F filter, int order) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(MCP_PATH, MCP_PATH + "/*");
        registration.setAsyncSupported(true);
        registration.setOrder(order);
        return registration;
    }

    /** MCP over Streamable HTTP at {@code /mcp}, behind bearer authentication. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "mcpca.ingress", name = "stdio", havingValue = "false", matchIfMissing = true)
    static class HttpTransport {

        @Bean
        HttpServletStreamableServerTransportProvider mcpHttpTransport(McpJsonMapper json, IngressProperties ingress) {
            return HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(json)
                    .mcpEndpoint(MCP_PATH)
                    .maxRequestSize(ingress.getMaxRequestBytes())
                    .contextExtractor(request -> {
                        Map<String, Object> context = new HashMap<>();
                        for (String name : new String[] {BearerAuthFilter.PRINCIPAL_ATTRIBUTE,
                                CancellationFilter.JSONRPC_ID_ATTRIBUTE}) {
                            Object value = request.getAttribute(name);
                            if (value != null) {
                                context.put(name, value);
                            }
                        }
                        return McpTransportContext.create(context);
                    })
                    .build();
        }

        @Bean(destroyMethod = "close")
        McpAsyncServer mcpHttpServer(McpServerFactory factory, HttpServletStreamableServerTransportProvider transport,
                                     IngressMeters meters) {
            McpSessionCount.of(transport).ifPresent(sessions -> meters.watchSessions(sessions, McpSessionCount::open));
            return factory.http(transport);
        }

        /** Prometheus HTTP service discovery of the workers (see README, Observability). */
        @Bean
        ServletRegistrationBean<PrometheusTargets> prometheusTargets(IngressGuards guards, Keys keys) {
            ServletRegistrationBean<PrometheusTargets> registration = new ServletRegistrationBean<>(
                    new PrometheusTargets(new LiveWorkers(guards.events().sync(), keys, Clock.systemUTC())),
                    PrometheusTargets.PATH);
            registration.setName("prometheus-targets");
            return registration;
        }

        @Bean
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
                HttpServletStreamableServerTransportProvider transport) {
            ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                    new ServletRegistrationBean<>(transport, MCP_PATH, MCP_PATH + "/*");
            registration.setAsyncSupported(true);
            registration.setName("mcp");
            return registration;
        }

        @Bean
        FilterRegistrationBean<BearerAuthFilter> mcpAuthFilter(IngressProperties ingress,
                                                              @Value("${server.address:}") String address) {
            if (ingress.getTokens().isEmpty()) {
                if (!isLoopback(address) && !ingress.isAllowAnonymous()) {
                    throw new IllegalStateException("The ingress would listen on '" + (address.isEmpty() ? "all interfaces" : address)
                            + "' without authentication. Configure mcpca.ingress.tokens.<principal>=<token>, bind to "
                            + "127.0.0.1 (server.address), or set mcpca.ingress.allow-anonymous=true.");
                }
                log.info("No ingress tokens configured: every caller is principal 'local' ({}).",
                        isLoopback(address) ? "loopback only" : "allow-anonymous is set");
            }
            return mcpFilter(new BearerAuthFilter(ingress.getTokens(), new SessionOwners()), ORDER_AUTH);
        }

        /** With tokens, the actuator (but health) needs one too; see README, Security. */
        @Bean
        FilterRegistrationBean<ActuatorAuthFilter> actuatorAuthFilter(IngressProperties ingress,
                @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
            FilterRegistrationBean<ActuatorAuthFilter> registration = new FilterRegistrationBean<>(
                    new ActuatorAuthFilter(new BearerTokens(ingress.getTokens()), basePath));
            registration.addUrlPatterns(basePath + "/*", PrometheusTargets.PATH);
            return registration;
        }

        /** First of all: DNS-rebinding protection, before a token is even looked at. */
        @Bean
        FilterRegistrationBean<HostOriginFilter> mcpHostOriginFilter(IngressProperties ingress) {
            return mcpFilter(new HostOriginFilter(ingress.getAllowedHosts(), ingress.getAllowedOrigins()), ORDER_HOST);
        }

        /** After authentication: only a session's owner reaches it, so only the owner can cancel its calls. */
        @Bean
        FilterRegistrationBean<CancellationFilter> mcpCancellationFilter(IngressGuards guards,
                                                                        IngressProperties ingress) {
            return mcpFilter(new CancellationFilter(guards.flow().inFlight(), ingress.getMaxRequestBytes()), ORDER_CANCEL);
        }

        /** After authentication, before cancellation: every POST is one well-formed JSON-RPC message. */
        @Bean
        FilterRegistrationBean<JsonRpcEnvelopeFilter> mcpEnvelopeFilter(IngressProperties ingress) {
            return mcpFilter(new JsonRpcEnvelopeFilter(ingress.getMaxRequestBytes()), ORDER_ENVELOPE);
        }

        /**
         * MCP posts are not timed a second time as Spring's {@code http.server.requests}: every call is timed as
         * {@code mcpca_ingress_call_seconds} already, and the observation (started and stopped per request, its
         * async listener and tags) was ~7% of the serve JVM's CPU under pings (JFR, docs/decisions/019). No
         * dashboard or alert reads it; other paths (actuator, discovery) keep it.
         */
        @Bean
        ObservationPredicate mcpPostsNotObservedTwice() {
            return (name, context) -> !(context instanceof ServerRequestObservationContext server
                    && server.getCarrier() != null && isMcpPath(server.getCarrier().getRequestURI()));
        }

        /** Innermost, around the SDK's servlet: no error answer of its own reaches a client. */
        @Bean
        FilterRegistrationBean<ServletErrorGuard> mcpErrorGuard() {
            return mcpFilter(new ServletErrorGuard(), ORDER_GUARD);
        }
    }
}
