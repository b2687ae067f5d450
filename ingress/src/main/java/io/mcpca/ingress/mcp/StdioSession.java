package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntSupplier;

/**
 * MCP over this process's stdin and stdout (one client, one session). stdout carries only protocol
 * messages; logs go to stderr. When the client closes stdin the session is over: {@link #awaitEnd}
 * lets the calls already in flight answer (within a grace period) and returns so the process can exit.
 */
public final class StdioSession implements AutoCloseable {

    private final CountDownLatch ended = new CountDownLatch(1);
    private final McpAsyncServer server;
    private final IntSupplier callsInFlight;
    private final Duration grace;

    public StdioSession(McpServerFactory factory, McpJsonMapper json, IntSupplier callsInFlight, Duration grace) {
        this.callsInFlight = callsInFlight;
        this.grace = grace;
        InputStream in = new FilterInputStream(System.in) {
            @Override
            public int read() throws IOException {
                return signalEnd(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return signalEnd(super.read(b, off, len));
            }
        };
        this.server = factory.stdio(new StdioServerTransportProvider(json, in, System.out));
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

    private int signalEnd(int read) {
        if (read < 0) {
            ended.countDown();
        }
        return read;
    }
}
