package io.mcpca.shared.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seed nodes of a Redis Cluster named by the one Redis setting ({@code mcpca.redis-url}, {@code REDIS_URL}):
 * {@code redis-cluster://[user:password@]host:port,host:port[?query]} ({@code rediss-cluster://} for TLS). Lettuce
 * reads no such scheme itself, so each seed becomes a {@code redis://} (or {@code rediss://}) URI carrying the same
 * credentials and query; the client learns the rest of the cluster from any seed that answers.
 */
public final class ClusterSeeds {

    private static final String PLAIN = "redis-cluster://";
    private static final String TLS = "rediss-cluster://";

    private ClusterSeeds() {
    }

    /** Whether the setting names a cluster. */
    public static boolean named(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        return lower.startsWith(PLAIN) || lower.startsWith(TLS);
    }

    /** The seeds of a {@link #named} cluster, in the order given; a bad or empty list is refused with the reason. */
    public static List<RedisURI> parse(String uri) {
        if (!named(uri)) {
            throw new IllegalArgumentException("not a cluster URI (redis-cluster://host:port,host:port): " + uri);
        }
        boolean tls = uri.toLowerCase(Locale.ROOT).startsWith(TLS);
        String rest = uri.substring(tls ? TLS.length() : PLAIN.length());
        int query = rest.indexOf('?');
        String suffix = query < 0 ? "" : rest.substring(query);
        String authority = query < 0 ? rest : rest.substring(0, query);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/")) {
            throw new IllegalArgumentException("a cluster has no database number (only db 0): " + uri);
        }
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String hosts = authority.substring(at + 1);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("empty seed node in cluster URI: " + uri);
            }
            seeds.add(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + host.strip() + suffix));
        }
        return seeds;
    }
}
