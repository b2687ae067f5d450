package io.mcpca.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The official MCP Java SDK client calling one no-op tool over Streamable HTTP: a warm-up, sequential calls on
 * one session (p50/p99), then calls with N in flight, one session per caller thread as independent agents
 * would be (calls/s). Used by bench/roundtrip and bench/mcp-http.
 */
final class McpCalls {

    record Result(double p50, double p99, double perSecond) {
    }

    private McpCalls() {
    }

    static Result measure(String baseUrl, String tool, int warmUp, int sequential, int inFlight, int throughputCalls)
            throws Exception {
        List<McpSyncClient> clients = new ArrayList<>();
        try {
            McpSyncClient one = client(baseUrl, clients);
            for (int i = 0; i < warmUp; i++) {
                call(one, tool);
            }
            Stats latency = new Stats(sequential);
            for (int i = 0; i < sequential; i++) {
                long begin = System.nanoTime();
                call(one, tool);
                latency.add(System.nanoTime() - begin);
            }
            List<McpSyncClient> callers = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                callers.add(client(baseUrl, clients));
            }
            AtomicInteger remaining = new AtomicInteger(throughputCalls);
            CountDownLatch done = new CountDownLatch(inFlight);
            AtomicReference<Exception> failure = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            long start = System.nanoTime();
            for (McpSyncClient caller : callers) {
                pool.execute(() -> {
                    try {
                        while (remaining.getAndDecrement() > 0) {
                            call(caller, tool);
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            double perSecond = throughputCalls / ((System.nanoTime() - start) / 1e9);
            pool.shutdown();
            if (failure.get() != null) {
                throw failure.get();
            }
            return new Result(latency.percentileMs(50), latency.percentileMs(99), perSecond);
        } finally {
            clients.forEach(McpSyncClient::closeGracefully);
        }
    }

    private static McpSyncClient client(String baseUrl, List<McpSyncClient> all) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(baseUrl).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        all.add(client);
        return client;
    }

    private static void call(McpSyncClient client, String tool) {
        CallToolResult result = client.callTool(new CallToolRequest(tool, Map.of()));
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException(tool + " failed: " + result.content());
        }
    }
}
