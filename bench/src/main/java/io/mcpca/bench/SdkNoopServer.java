package io.mcpca.bench;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

/**
 * Server (b) of bench/mcp-http: the same MCP Java SDK server as the ingress (the servlet Streamable HTTP
 * transport registered with a {@code ServletRegistrationBean}, Spring Boot's Tomcat, the services' JVM flags)
 * answering a no-op {@code ping} tool in-process: no Redis, no worker, none of our filters. What the ingress
 * adds on top of it is what bench/mcp-http measures. Prints {@code port N} on stdout when it listens.
 * Arguments are Spring's ({@code --server.port=N}); {@code --bench.noop-delay-micros=N} makes {@code ping} answer
 * N µs late on the container thread (no thread hand-off): a server exactly that much slower, to tell what a
 * client pays for a slower answer beyond the delay itself (docs/decisions/011).
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {"io.mcpca.ingress.config.IngressConfiguration",
        "io.mcpca.shared.config.SharedConfiguration", "io.mcpca.workers.config.WorkerConfiguration",
        "io.mcpca.workers.config.WorkerEventsConfiguration"})
public class SdkNoopServer {

    /** The app's readiness group names the ingress's Redis and analyzer contributors, which this server has not. */
    static final String READINESS = "--management.endpoint.health.group.readiness.include=readinessState";

    public static void main(String[] args) {
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of(READINESS),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        ConfigurableApplicationContext context = SpringApplication.run(SdkNoopServer.class, all);
        System.out.println("port " + context.getEnvironment().getProperty("local.server.port"));
    }

    @Bean
    HttpServletStreamableServerTransportProvider transport() {
        return HttpServletStreamableServerTransportProvider.builder().jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint("/mcp").build();
    }

    @Bean(destroyMethod = "close")
    McpAsyncServer server(HttpServletStreamableServerTransportProvider transport,
                          @Value("${bench.noop-delay-micros:0}") long delayMicros) {
        Tool ping = Tool.builder().name("ping").description("no-op")
                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build();
        CallToolResult pong = CallToolResult.builder().addTextContent("pong").isError(false).build();
        return McpServer.async(transport).serverInfo("sdk-noop", "0").jsonMapper(McpJsonDefaults.getMapper())
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(AsyncToolSpecification.builder().tool(ping).callHandler((exchange, call) -> delayMicros <= 0 ? Mono.just(pong)
                        : Mono.fromCallable(() -> {
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(delayMicros));
                            return pong;
                        })).build())
                .build();
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> servlet(
            HttpServletStreamableServerTransportProvider transport) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                new ServletRegistrationBean<>(transport, "/mcp", "/mcp/*");
        registration.setAsyncSupported(true);
        return registration;
    }

}
