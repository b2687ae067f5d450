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
        return measure(baseUrl, tool, Map.of(), warmUp, sequential, inFlight, throughputCalls);
    }

    /** The same with {@code arguments} on every call. */
    static Result measure(String baseUrl, String tool, Map<String, Object> arguments, int warmUp, int sequential,
                          int inFlight, int throughputCalls) throws Exception {
        CallToolRequest request = new CallToolRequest(tool, arguments);
        List<McpSyncClient> clients = new ArrayList<>();
        try {
            McpSyncClient one = client(baseUrl, clients);
            for (int i = 0; i < warmUp; i++) {
                call(one, request);
            }
            Stats latency = new Stats(sequential);
            for (int i = 0; i < sequential; i++) {
                long begin = System.nanoTime();
                call(one, request);
                latency.add(System.nanoTime() - begin);
            }
            List<McpSyncClient> callers = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                callers.add(client(baseUrl, clients));
            }
            double perSecond = ConcurrentLoops.run(inFlight, throughputCalls, (id, nextCall) -> {
                while (nextCall.getAsBoolean()) {
                    call(callers.get(id), request);
                }
            });
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

    private static void call(McpSyncClient client, CallToolRequest request) {
        CallToolResult result = client.callTool(request);
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException(request.name() + " failed: " + result.content());
        }
    }
}
