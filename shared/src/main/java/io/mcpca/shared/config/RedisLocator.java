package io.mcpca.shared.config;

import io.mcpca.shared.redis.RedisServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the Redis of this process, as ARCHITECTURE's "Running modes" says: an explicit URI, else a
 * Redis on 127.0.0.1:6379 if one answers, else a private redis-server on a free port (stopped with
 * the process), else a clear error naming what to install.
 */
public final class RedisLocator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisLocator.class);
    /** A local Redis answers a TCP connect in microseconds; 300 ms keeps start-up snappy when none runs. */
    private static final int PROBE_TIMEOUT_MS = 300;

    private final String uri;
    private final Optional<RedisServerProcess> started;

    private RedisLocator(String uri, Optional<RedisServerProcess> started) {
        this.uri = uri;
        this.started = started;
    }

    public static RedisLocator locate(String configured) {
        if (configured != null && !configured.isBlank() && !"auto".equals(configured)) {
            return new RedisLocator(configured, Optional.empty());
        }
        if (answers("127.0.0.1", 6379)) {
            log.info("Using the Redis on 127.0.0.1:6379 (set REDIS_URL to choose another)");
            return new RedisLocator("redis://127.0.0.1:6379", Optional.empty());
        }
        if (RedisServerProcess.findExecutable().isPresent()) {
            RedisServerProcess server = RedisServerProcess.start();
            log.info("No Redis on 127.0.0.1:6379; started a private redis-server on port {}", server.port());
            return new RedisLocator(server.uri(), Optional.of(server));
        }
        throw new IllegalStateException("No Redis available: REDIS_URL is not set, nothing answers on 127.0.0.1:6379 "
                + "and redis-server is not installed. Install it (Debian: apt-get install redis-server) or set REDIS_URL.");
    }

    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        started.ifPresent(RedisServerProcess::close);
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
