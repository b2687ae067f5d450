package io.mcpca.shared.testing;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for one test class: a private {@code redis-server} on a free port (so fault tests can
 * {@link #kill} and {@link #restart} it), or the server named by {@code REDIS_URL} when that is set.
 * Register it as a static field with {@code @RegisterExtension}. Every key prefix it hands out is
 * random, and what it started it always stops; on a shared REDIS_URL it deletes the keys under the
 * prefixes it handed out.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private RedisServerProcess server;
    private RedisConnections connections;
    private RedisConnection<String, String> connection;
    private String externalUri;
    private final List<String> prefixes = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        String env = System.getenv("REDIS_URL");
        if (env != null && !env.isBlank()) {
            externalUri = env;
        } else {
            server = RedisServerProcess.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (connection != null) {
            connection.close();
            connections.close();
            connection = null;
        }
        if (server != null) {
            server.close();
            server = null;
        } else if (externalUri != null) {
            deletePrefixedKeys();
        }
    }

    public String uri() {
        return server != null ? server.uri() : externalUri;
    }

    /** Commands on one shared text connection to this server, opened on first use and closed after the class. */
    public synchronized RedisClusterCommands<String, String> sync() {
        if (connection == null) {
            connections = new RedisConnections(uri());
            connection = connections.strings();
        }
        return connection.sync();
    }

    /** A fresh random key prefix, so tests never see each other's keys. */
    public synchronized String newPrefix() {
        String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        prefixes.add(prefix);
        return prefix;
    }

    /** Kills the server as a crash would; skips the test when Redis is external (REDIS_URL). */
    public void kill() {
        requireOwnServer();
        server.kill();
    }

    /** Starts it again, empty, on the same port. */
    public void restart() {
        requireOwnServer();
        server.restart();
    }

    public boolean ownsServer() {
        return server != null;
    }

    private void requireOwnServer() {
        Assumptions.assumeTrue(server != null, "needs a private redis-server (REDIS_URL is set)");
    }

    private void deletePrefixedKeys() {
        try (RedisConnections client = new RedisConnections(externalUri);
             RedisConnection<String, String> c = client.strings()) {
            for (String prefix : prefixes) {
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(500));
                    if (!page.getKeys().isEmpty()) {
                        c.sync().unlink(page.getKeys().toArray(String[]::new));
                    }
                    cursor = page;
                } while (!cursor.isFinished());
            }
        }
    }
}
