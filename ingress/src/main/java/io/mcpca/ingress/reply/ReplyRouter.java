package io.mcpca.ingress.reply;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this ingress's reply stream and completes waiting calls by request id.
 *
 * <p>Lifecycle: 1. {@link #start} starts the read thread at the stream's beginning (the stream is
 * this instance's own); 2. each reply goes to its {@link PendingCall}: progress to the listener, the
 * first final reply completes the future and removes the call, so a duplicate answer (a call that ran
 * twice after a crash) finds nothing and is dropped: exactly one answer; 3. {@link #stop} ends the
 * loop and deletes the stream. A read error never ends the loop.
 */
public final class ReplyRouter {

    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);
    /** Block per read: bounds how fast stop is noticed; replies arrive as soon as they are written. */
    private static final Duration READ_BLOCK = Duration.ofSeconds(1);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);
    private static final int READ_COUNT = 256;

    private final RedisStreamCommands<byte[], byte[]> blockingRedis;
    private final StreamEntries entries;
    private final byte[] stream;
    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile String lastId = "0-0";
    private Thread loop;

    public ReplyRouter(RedisStreamCommands<byte[], byte[]> blockingRedis, StreamEntries entries, String replyStream) {
        this.blockingRedis = blockingRedis;
        this.entries = entries;
        this.stream = replyStream.getBytes(StandardCharsets.UTF_8);
    }

    public synchronized void start() {
        running = true;
        loop = new Thread(this::readLoop, "reply-router");
        loop.setDaemon(true);
        loop.start();
    }

    /** Registers a call before it is submitted, so even an instant reply finds it. */
    public PendingCall register(String requestId, Consumer<ToolReply> progress) {
        PendingCall call = new PendingCall(requestId, new CompletableFuture<>(), progress);
        pending.put(requestId, call);
        return call;
    }

    /** Forgets a call that will not wait any longer (timed out, cancelled, or never submitted). */
    public void forget(String requestId) {
        pending.remove(requestId);
    }

    public int pendingCount() {
        return pending.size();
    }

    public void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(READ_BLOCK.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pending.values().forEach(call -> call.answer().completeExceptionally(
                new IllegalStateException("the ingress is shutting down")));
    }

    void route(ToolReply reply) {
        if (!reply.kind().isFinal()) {
            PendingCall call = pending.get(reply.requestId());
            if (call != null) {
                call.progress().accept(reply);
            }
            return;
        }
        PendingCall call = pending.remove(reply.requestId());
        if (call == null) {
            log.debug("dropped a reply for {}: already answered or given up", reply.requestId());
            return;
        }
        call.answer().complete(reply);
    }

    @SuppressWarnings("unchecked")
    private void readLoop() {
        while (running) {
            try {
                List<StreamMessage<byte[], byte[]>> messages = blockingRedis.xread(
                        XReadArgs.Builder.block(READ_BLOCK).count(READ_COUNT), StreamOffset.from(stream, lastId));
                for (StreamMessage<byte[], byte[]> message : messages) {
                    lastId = message.getId();
                    try {
                        route(entries.decodeReply(message.getBody()));
                    } catch (WireFormatException e) {
                        log.warn("dropped an undecodable reply {}: {}", message.getId(), e.getMessage());
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                log.warn("reading replies failed ({}); retrying in {} ms", e.getMessage(), ERROR_PAUSE.toMillis());
                try {
                    Thread.sleep(ERROR_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
    }
}
