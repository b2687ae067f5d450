package io.mcpca.workers.cache;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.ChannelSubscription;
import java.util.function.Consumer;

/**
 * Listens on {@code mcpca:events:invalidate} and hands each published digest (or {@code *}) to the
 * local cache so it drops its L1 copy. Lettuce re-subscribes by itself after a reconnect; an event
 * published while this process was disconnected is lost, which is why L1 entries also expire with
 * the result TTL.
 */
public final class CacheInvalidations implements AutoCloseable {

    private final ChannelSubscription subscription;

    public CacheInvalidations(StatefulRedisPubSubConnection<String, String> connection, Keys keys,
                              Consumer<String> dropLocal) {
        this.subscription = ChannelSubscription.subscribe(connection, keys.invalidateChannel(), dropLocal);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
