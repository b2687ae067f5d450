package io.mcpca.ingress.reply;

import io.lettuce.core.api.sync.RedisKeyCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this ingress's reply stream from outliving it: every third of {@code ttl} it sets the stream's
 * expiry to {@code ttl} again. A live ingress keeps its stream; one that dies (kill -9, no stop hook)
 * leaves a stream that Redis deletes within {@code ttl}. The normal stop deletes it at once. A third
 * leaves two refreshes to miss (a Redis hiccup) before the stream of a live ingress could expire.
 */
public final class ReplyStreamKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplyStreamKeeper.class);

    private final RedisKeyCommands<byte[], byte[]> redis;
    private final byte[] stream;
    private final Duration ttl;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reply-stream-keeper");
        t.setDaemon(true);
        return t;
    });

    public ReplyStreamKeeper(RedisKeyCommands<byte[], byte[]> redis, String replyStream, Duration ttl) {
        this.redis = redis;
        this.stream = replyStream.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    public void start() {
        long periodMs = Math.max(1, ttl.toMillis() / 3);
        timer.scheduleAtFixedRate(this::refresh, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Sets the expiry now; a stream that does not exist yet (no reply so far) gets it on the next refresh. */
    public void refresh() {
        try {
            redis.pexpire(stream, ttl.toMillis());
        } catch (RuntimeException e) {
            log.debug("reply stream expiry not refreshed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
