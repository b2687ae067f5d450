package io.mcpca.workers.cache;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mcpca.shared.keys.Keys;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@code mcpca:events:invalidate} and hands each published digest (or {@code *}) to the
 * local cache so it drops its L1 copy. Lettuce re-subscribes by itself after a reconnect; an event
 * published while this process was disconnected is lost, which is why L1 entries also expire with
 * the result TTL.
 */
public final class CacheInvalidations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CacheInvalidations.class);

    private final StatefulRedisPubSubConnection<String, String> connection;

    public CacheInvalidations(StatefulRedisPubSubConnection<String, String> connection, Keys keys,
                              Consumer<String> dropLocal) {
        this.connection = connection;
        String channel = keys.invalidateChannel();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String digest) {
                if (channel.equals(from)) {
                    try {
                        dropLocal.accept(digest);
                    } catch (RuntimeException e) {
                        log.warn("invalidation of {} failed: {}", digest, e.getMessage());
                    }
                }
            }
        });
        connection.sync().subscribe(channel);
    }

    @Override
    public void close() {
        connection.close();
    }
}
