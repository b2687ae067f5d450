package io.mcpca.app.cli;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mcpca.shared.keys.Keys;
import io.mcpca.workers.cache.TieredResultCache;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code mcpca cache clear [--redis-url URL] [--prefix P]}: an operator drops every cached result, in Redis
 * and (through {@code mcpca:events:invalidate}) in every running process's L1. Results are keyed by content
 * and analyzer build, so this is never needed for correctness after an edit or an upgrade; it is for
 * reclaiming memory or ruling the cache out while chasing a problem.
 */
public final class CacheCommand {

    static final String USAGE = "usage: mcpca cache clear [--redis-url redis://host:port] [--prefix mcpca]";

    private CacheCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "mcpca";
        if (args.length == 0 || !"clear".equals(args[0])) {
            err.println("mcpca cache: " + (args.length == 0 ? "missing subcommand" : "unknown subcommand " + args[0]));
            err.println(USAGE);
            return 2;
        }
        for (int i = 1; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            if (value.isBlank() || !(args[i].equals("--redis-url") || args[i].equals("--prefix"))) {
                err.println("mcpca cache: " + (value.isBlank() && args[i].startsWith("--")
                        ? args[i] + " needs a value" : "unknown option " + args[i]));
                err.println(USAGE);
                return 2;
            }
            if (args[i].equals("--redis-url")) {
                url = value;
            } else {
                prefix = value;
            }
        }
        RedisClient client = RedisClient.create(url.contains("://") ? url : "redis://" + url);
        try (StatefulRedisConnection<String, byte[]> connection =
                     client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            Keys keys = new Keys(prefix);
            long removed = TieredResultCache.clearEverywhere(connection.sync(), keys);
            long files = TieredResultCache.clearSharedFiles(connection.sync(), keys);
            out.printf("removed %d cached result(s) and %d shared per-file result(s) from %s; running processes were "
                    + "told to drop their local copies%n", removed, files, url);
            return 0;
        } catch (RuntimeException e) {
            err.println("mcpca cache: " + e.getMessage());
            return 1;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
