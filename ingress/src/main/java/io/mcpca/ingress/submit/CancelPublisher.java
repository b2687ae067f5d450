package io.mcpca.ingress.submit;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.mcpca.shared.keys.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workers to stop a call: publishes its request id on {@code mcpca:events:cancel}. Fire and
 * forget: a cancel lost while Redis is down only means the call runs to its end and its answer is
 * dropped (the ingress no longer waits for it).
 */
public final class CancelPublisher {

    private static final Logger log = LoggerFactory.getLogger(CancelPublisher.class);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String channel;

    public CancelPublisher(RedisClusterAsyncCommands<String, String> redis, Keys keys) {
        this.redis = redis;
        this.channel = keys.cancelChannel();
    }

    public void cancel(String requestId) {
        try {
            redis.publish(channel, requestId).exceptionally(e -> {
                log.debug("cancel of {} not published: {}", requestId, e.getMessage());
                return 0L;
            });
        } catch (RuntimeException e) {
            log.debug("cancel of {} not published: {}", requestId, e.getMessage());
        }
    }
}
