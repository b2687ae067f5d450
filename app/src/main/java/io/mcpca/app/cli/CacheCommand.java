package io.mcpca.app.cli;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.workers.cache.TieredResultCache;
import java.io.PrintStream;
import java.util.Optional;
import java.util.Set;

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
        if (args.length == 0 || !"clear".equals(args[0])) {
            err.println("mcpca cache: " + (args.length == 0 ? "missing subcommand" : "unknown subcommand " + args[0]));
            err.println(USAGE);
            return 2;
        }
        RedisOptions options;
        try {
            options = RedisOptions.parse(args, 1, Set.of());
        } catch (IllegalArgumentException e) {
            err.println("mcpca cache: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String url = options.url();
        try (RedisConnections client = new RedisConnections(options.uri(), options.settings(), Optional.empty());
             RedisConnection<String, byte[]> connection =
                     client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            Keys keys = new Keys(options.prefix());
            long removed = TieredResultCache.clearEverywhere(connection.sync(), keys);
            long files = TieredResultCache.clearSharedFiles(connection.sync(), keys);
            out.printf("removed %d cached result(s) and %d shared per-file result(s) from %s; running processes were "
                    + "told to drop their local copies%n", removed, files, url);
            return 0;
        } catch (RuntimeException e) {
            err.println("mcpca cache: " + e.getMessage());
            return 1;
        }
    }
}
