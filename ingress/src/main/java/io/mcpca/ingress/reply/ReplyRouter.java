package io.mcpca.ingress.reply;

import static io.mcpca.shared.redis.InfoFields.field;
import static io.mcpca.shared.redis.InfoFields.text;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.log.CallMdc;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reads this ingress's reply stream and completes waiting calls by request id.
 *
 * <p>The reads run on the connection's I/O thread: a read's answer is routed where it arrives and the next
 * read is written from there, so a read costs one thread wake-up instead of three (the I/O thread, a reading
 * thread, the I/O thread again to write the next read). What a {@link PendingCall}'s future and progress
 * listener run must therefore be short, or hand the work to a thread of its own (the MCP handler does).
 * Checking the stream (blocking commands) and pausing after an error happen on the router's own thread,
 * between reads. (A Redis that vanishes without closing the connection is noticed by TCP keepalive, see
 * {@link io.mcpca.shared.redis.RedisConnections}; the read then fails and the router goes on.)
 *
 * <p>Lifecycle: 1. {@link #start} checks the stream, creating it if missing (empty, with a group
 * nobody reads: workers append with {@code NOMKSTREAM}, so only its ingress creates it), and reads it from
 * its beginning (the stream is this instance's own); 2. each reply goes to its {@link PendingCall}: progress
 * to the listener, the first final reply completes the future and removes the call, so a duplicate answer
 * (a call that ran twice after a crash) finds nothing and is dropped: exactly one answer; 3. after every
 * idle read (and every read error) it checks the stream: gone (Redis restarted empty, or was flushed) means
 * the calls waiting may never be answered, so they fail at once with a retryable UNAVAILABLE and the stream
 * is created again; a last-generated id below the last one read (a new stream with ids from an older
 * clock) resets the read position; 4. {@link #stop} ends the reads (the last one within its block) and
 * fails the calls still waiting. A read error never ends the reads.
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
    private final RedisStreamAsyncCommands<byte[], byte[]> reads;
    private final StreamEntries entries;
    private final byte[] stream;
    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile String lastId = "0-0";
    private volatile Runnable onStreamCreated = () -> { };
    private volatile Consumer<String> replyRead = id -> { };
    private volatile boolean streamSeen;
    private volatile boolean check = true;
    /** Checks of the stream and pauses after errors: blocking work kept off the I/O thread. */
    private ScheduledExecutorService between;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** @param connection this router's own (a read blocks it for up to a second); null only in unit tests */
    public ReplyRouter(RedisConnection<byte[], byte[]> connection, StreamEntries entries, String replyStream) {
        this.blockingRedis = connection == null ? null : connection.sync();
        this.reads = connection == null ? null : connection.async();
        this.entries = entries;
        this.stream = replyStream.getBytes(StandardCharsets.UTF_8);
    }

    public synchronized void start() {
        running = true;
        between = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reply-router");
            t.setDaemon(true);
            return t;
        });
        between.execute(this::checkThenRead);
    }

    /** Told the entry id of every reply read (the ingress's reply-lag meter); set before {@link #start}. */
    public void onReplyRead(Consumer<String> listener) {
        this.replyRead = listener;
    }

    /** Runs after this router (re)created its stream, e.g. to set the stream's expiry at once. */
    public void onStreamCreated(Runnable action) {
        this.onStreamCreated = action;
    }

    /** Registers a call before it is submitted, so even an instant reply finds it. */
    public PendingCall register(String requestId, Consumer<ToolReply> progress) {
        PendingCall call = new PendingCall(requestId, new CompletableFuture<>(), progress, MDC.getCopyOfContextMap());
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
        if (between != null) {
            try {
                // the read in flight returns within its block
                stopped.await(READ_BLOCK.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            between.shutdownNow();
        }
        pending.values().forEach(call -> call.answer().completeExceptionally(
                new IllegalStateException("the ingress is shutting down")));
    }

    void route(ToolReply reply) {
        if (!reply.kind().isFinal()) {
            PendingCall call = pending.get(reply.requestId());
            if (call != null) {
                try (CallMdc.Scope scope = CallMdc.restore(call.logContext())) {
                    call.progress().accept(reply);
                }
            }
            return;
        }
        PendingCall call = pending.remove(reply.requestId());
        if (call == null) {
            log.debug("dropped a reply for {}: already answered or given up", reply.requestId());
            return;
        }
        // what the answer sets off on this thread, and the hops it schedules, run in the call's log context
        try (CallMdc.Scope scope = CallMdc.restore(call.logContext())) {
            call.answer().complete(reply);
        }
    }

    /**
     * Issues the next read: on the I/O thread when called from a read's answer, else (start, after a check or
     * a pause) from the router's thread. After an idle read the stream is checked first, on the router's thread.
     */
    @SuppressWarnings("unchecked")
    private void readNext() {
        if (!running) {
            stopped.countDown();
            return;
        }
        if (check) {
            between.execute(this::checkThenRead);
            return;
        }
        try {
            reads.xread(XReadArgs.Builder.block(READ_BLOCK).count(READ_COUNT), StreamOffset.from(stream, lastId))
                    .whenComplete((messages, error) -> {
                        if (error != null) {
                            failed(error);
                            return;
                        }
                        check = messages.isEmpty();
                        for (StreamMessage<byte[], byte[]> message : messages) {
                            lastId = message.getId();
                            replyRead.accept(lastId);
                            try {
                                route(entries.decodeReply(message.getBody()));
                            } catch (WireFormatException e) {
                                log.warn("dropped an undecodable reply {}: {}", message.getId(), e.getMessage());
                            } catch (RuntimeException e) {
                                log.warn("the caller of reply {} failed on it: {}", message.getId(), e.toString());
                            }
                        }
                        readNext();
                    });
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void checkThenRead() {
        if (!running) {
            stopped.countDown();
            return;
        }
        try {
            checkStream();
            check = false;
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        readNext();
    }

    /** A read or a check failed: check the stream again after a pause, on the router's thread. */
    private void failed(Throwable error) {
        if (!running) {
            stopped.countDown();
            return;
        }
        check = true;
        log.warn("reading replies failed ({}); retrying in {} ms", error.getMessage(), ERROR_PAUSE.toMillis());
        try {
            between.schedule(this::checkThenRead, ERROR_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            stopped.countDown();
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
                try (CallMdc.Scope scope = CallMdc.restore(call.logContext())) {
                    call.answer().complete(ToolReply.error(requestId, ErrorCode.UNAVAILABLE, why, "ingress"));
                }
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
