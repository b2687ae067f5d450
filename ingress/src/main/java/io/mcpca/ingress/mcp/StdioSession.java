package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import reactor.core.publisher.Mono;

/**
 * MCP over this process's stdin and stdout (one client, one session). stdout carries only protocol
 * messages; logs go to stderr. stdin passes through a {@link StdioCancellationFilter}, so a
 * {@code notifications/cancelled} cancels its call as it does over HTTP. When the client closes stdin the
 * session is over: {@link #awaitEnd} lets the calls already in flight answer (within a grace period) and
 * returns so the process can exit.
 */
public final class StdioSession implements AutoCloseable {

    private final CountDownLatch ended = new CountDownLatch(1);
    private final McpAsyncServer server;
    private final IntSupplier callsInFlight;
    private final Duration grace;

    public StdioSession(McpServerFactory factory, McpJsonMapper json, IntSupplier callsInFlight, Duration grace) {
        this.callsInFlight = callsInFlight;
        this.grace = grace;
        AtomicReference<String> sessionId = new AtomicReference<>();
        InputStream in = new StdioCancellationFilter(System.in, factory.inFlightCalls(),
                () -> Optional.ofNullable(sessionId.get()), ended::countDown);
        this.server = factory.stdio(new SessionIdCapture(new StdioServerTransportProvider(json, in, System.out),
                sessionId::set));
    }

    public void awaitEnd() throws InterruptedException {
        ended.await();
        long until = System.nanoTime() + grace.toNanos();
        while (callsInFlight.getAsInt() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        // the answers are handed to the transport's writer asynchronously; give it a moment to flush
        Thread.sleep(100);
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * The stdio transport, passing on the id of the one MCP session the SDK creates on it: tool handlers
     * register their calls under it ({@code exchange.sessionId()}), so the input filter cancels under it too.
     */
    private record SessionIdCapture(McpServerTransportProvider transport, Consumer<String> onSession)
            implements McpServerTransportProvider {

        @Override
        public void setSessionFactory(McpServerSession.Factory sessions) {
            transport.setSessionFactory(t -> {
                McpServerSession session = sessions.create(t);
                onSession.accept(session.getId());
                return session;
            });
        }

        @Override
        public Mono<Void> notifyClients(String method, Object params) {
            return transport.notifyClients(method, params);
        }

        @Override
        public Mono<Void> notifyClient(String sessionId, String method, Object params) {
            return transport.notifyClient(sessionId, method, params);
        }

        @Override
        public void close() {
            transport.close();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return transport.closeGracefully();
        }

        @Override
        public List<String> protocolVersions() {
            return transport.protocolVersions();
        }
    }
}
