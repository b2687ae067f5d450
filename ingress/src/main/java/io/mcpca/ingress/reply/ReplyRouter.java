package io.mcpca.ingress.reply;

import static io.mcpca.shared.redis.InfoFields.field;
import static io.mcpca.shared.redis.InfoFields.text;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.wire.ErrorCode;
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
 * <p>Lifecycle: 1. {@link #start} starts the read thread, which creates the stream (empty, with a group
 * nobody reads: workers append with {@code NOMKSTREAM}, so only its ingress creates it) and reads it from
 * its beginning (the stream is this instance's own); 2. each reply goes to its {@link PendingCall}: progress
 * to the listener, the first final reply completes the future and removes the call, so a duplicate answer
 * (a call that ran twice after a crash) finds nothing and is dropped: exactly one answer; 3. after every
 * idle read (and every read error) it checks the stream: gone (Redis restarted empty, or was flushed) means
 * the calls waiting may never be answered, so they fail at once with a retryable UNAVAILABLE and the stream
 * is created again; a last-generated id below the last one read (a new stream with ids from an older
 * clock) resets the read position; 4. {@link #stop} ends the loop. A read error never ends the loop.
 */
public final class ReplyRouter {

    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);
    /** Block per read: bounds how fast stop is noticed; replies arrive as soon as they are written. */
    private static final Duration READ_BLOCK = Duration.ofSeconds(1);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);
    private static final int READ_COUNT = 256;
    /** A group on the reply stream only so XGROUP CREATE ... MKSTREAM can create it empty; never read. */
    private static final byte[] KEEPER_GROUP = "keeper".getBytes(StandardCharsets.US_ASCII);

    private final RedisStreamCommands<byte[], byte[]> blockingRedis;
    private final StreamEntries entries;
    private final byte[] stream;
    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile String lastId = "0-0";
    private volatile Runnable onStreamCreated = () -> { };
    private boolean streamSeen;
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

    /** Runs after this router (re)created its stream, e.g. to set the stream's expiry at once. */
    public void onStreamCreated(Runnable action) {
        this.onStreamCreated = action;
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
        boolean check = true;
        while (running) {
            try {
                if (check) {
                    checkStream();
                    check = false;
                }
                List<StreamMessage<byte[], byte[]>> messages = blockingRedis.xread(
                        XReadArgs.Builder.block(READ_BLOCK).count(READ_COUNT), StreamOffset.from(stream, lastId));
                check = messages.isEmpty();
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
                check = true;
                log.warn("reading replies failed ({}); retrying in {} ms", e.getMessage(), ERROR_PAUSE.toMillis());
                try {
                    Thread.sleep(ERROR_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
    }

    /** Creates the stream when it is missing, and keeps the read position within the stream's ids. */
    void checkStream() {
        List<Object> info;
        try {
            info = blockingRedis.xinfoStream(stream);
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("no such key")) {
                throw e;
            }
            createStream();
            return;
        }
        streamSeen = true;
        String lastGenerated = text(field(info, "last-generated-id"));
        if (compareIds(lastGenerated, lastId) < 0) {
            log.warn("reply stream ids restarted ({} < {}: a new stream); reading it from its beginning",
                    lastGenerated, lastId);
            lastId = "0-0";
        }
    }

    private void createStream() {
        try {
            blockingRedis.xgroupCreate(StreamOffset.from(stream, "$"), KEEPER_GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException exists) {
            // created meanwhile (BUSYGROUP): fine
        }
        lastId = "0-0";
        onStreamCreated.run();
        if (streamSeen) {
            failAllPending("Redis lost this ingress's reply stream (it restarted empty or was flushed), so the "
                    + "call's answer cannot arrive; it may or may not have run");
        }
        streamSeen = true;
    }

    /** Fails every waiting call with a retryable UNAVAILABLE: its answer can no longer arrive. */
    void failAllPending(String why) {
        int failed = 0;
        for (String requestId : List.copyOf(pending.keySet())) {
            PendingCall call = pending.remove(requestId);
            if (call != null) {
                call.answer().complete(ToolReply.error(requestId, ErrorCode.UNAVAILABLE, why, "ingress"));
                failed++;
            }
        }
        if (failed > 0) {
            log.warn("{} waiting calls failed (retryable): {}", failed, why);
        }
    }

    /** Orders stream ids ({@code <ms>-<seq>}); an unparsable id counts as the smallest. */
    static int compareIds(String a, String b) {
        long[] x = parseId(a);
        long[] y = parseId(b);
        int byMs = Long.compare(x[0], y[0]);
        return byMs != 0 ? byMs : Long.compare(x[1], y[1]);
    }

    private static long[] parseId(String id) {
        try {
            int dash = id.indexOf('-');
            return dash < 0 ? new long[] {Long.parseLong(id), 0}
                    : new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
        } catch (RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
