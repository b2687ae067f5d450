package io.mcpca.shared.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pub/sub channel handed to one handler, on a connection of its own. Lettuce re-subscribes after
 * a reconnect by itself; a message published while disconnected is lost (every user of a channel
 * must tolerate that). A handler that throws is logged and the subscription goes on.
 */
public final class ChannelSubscription implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChannelSubscription.class);

    private final StatefulRedisPubSubConnection<String, String> connection;

    private ChannelSubscription(StatefulRedisPubSubConnection<String, String> connection) {
        this.connection = connection;
    }

    public static ChannelSubscription subscribe(StatefulRedisPubSubConnection<String, String> connection,
                                                String channel, Consumer<String> handler) {
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (!channel.equals(from)) {
                    return;
                }
                try {
                    handler.accept(message);
                } catch (RuntimeException e) {
                    log.warn("handling '{}' from {} failed: {}", message, channel, e.getMessage());
                }
            }
        });
        connection.sync().subscribe(channel);
        return new ChannelSubscription(connection);
    }

    @Override
    public void close() {
        connection.close();
    }
}
