package io.mcpca.app.local;

import io.mcpca.ingress.local.LocalCalls;
import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.ingress.reply.ReplyRouter;
import io.mcpca.ingress.reply.ReplyStreamKeeper;
import io.mcpca.ingress.submit.CancelPublisher;
import io.mcpca.ingress.submit.RequestSubmitter;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs the ingress's fallen-back calls on its {@link PrivateWorker}, the way the ingress runs any call: 1. the
 * call is registered with a {@link ReplyRouter} reading a reply stream of its own on the private Redis;
 * 2. {@link RequestSubmitter} appends it, replying there, to its pool's request stream (same layout); 3. the
 * worker runs it (lease, fence, session write, analyzer) and replies; progress replies go to the caller as they
 * come; 4. a cancel is published on the private Redis's cancel channel, where the worker listens. Owns the
 * private worker: {@link #close} stops the reply routing, then the worker and its redis-server.
 */
public final class PrivateWorkerCalls implements LocalCalls, AutoCloseable {

    /**
     * How long past a call's deadline to wait for its answer: the worker itself answers a call at its deadline
     * (the analyzer is killed then); this covers that answer's trip through the reply batch on a busy machine.
     */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(5);
    private static final String RUNNER = "local";

    private final PrivateWorker worker;
    private final ToolCatalog catalog;
    private final Clock clock;
    private final String replyStream;
    private final RedisConnection<byte[], byte[]> shared;
    private final RedisConnection<byte[], byte[]> blocking;
    private final RedisConnection<String, String> events;
    private final ReplyRouter router;
    private final ReplyStreamKeeper keeper;
    private final RequestSubmitter submitter;
    private final CancelPublisher cancels;

    /**
     * @param replyStreamTtl the reply stream's expiry, refreshed while this runs (the ingress's
     *                       {@code reply-stream-ttl})
     */
    PrivateWorkerCalls(PrivateWorker worker, Keys keys, StreamEntries entries, ToolCatalog catalog, int partitions,
                       long requestStreamMaxLen, Duration replyStreamTtl, Clock clock) {
        this.worker = worker;
        this.catalog = catalog;
        this.clock = clock;
        this.replyStream = keys.replyStream("local-" + UUID.randomUUID());
        this.shared = worker.redis().bytes();
        this.blocking = worker.redis().bytes();
        this.events = worker.redis().strings();
        this.router = new ReplyRouter(blocking, entries, replyStream);
        this.keeper = new ReplyStreamKeeper(shared.sync(), replyStream, replyStreamTtl);
        this.submitter = new RequestSubmitter(shared.sync(), entries, keys, partitions, requestStreamMaxLen);
        this.cancels = new CancelPublisher(events.async(), keys);
        router.onStreamCreated(keeper::refresh);
        router.start();
        keeper.start();
    }

    /** The worker the calls run on (for a look at its Redis and analyzers). */
    public PrivateWorker worker() {
        return worker;
    }

    @Override
    public ToolReply run(ToolRequest request, Consumer<ToolReply> progress) {
        Optional<String> pool = catalog.find(request.tool()).map(ToolDescriptor::pool);
        if (pool.isEmpty()) {
            return ToolReply.error(request.requestId(), ErrorCode.UNKNOWN_TOOL, "no tool " + request.tool(), RUNNER);
        }
        PendingCall pending = router.register(request.requestId(), progress);
        try {
            submitter.submit(pool.get(), repliedHere(request));
        } catch (RuntimeException e) {
            router.forget(request.requestId());
            return ToolReply.error(request.requestId(), ErrorCode.UNAVAILABLE,
                    "the local fallback's redis-server did not take the call: " + e.getMessage(), RUNNER);
        }
        long waitMs = Math.max(0, request.deadlineEpochMs() - clock.millis()) + DEADLINE_MARGIN.toMillis();
        try {
            return pending.answer().get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveUp(request.requestId());
            return ToolReply.error(request.requestId(), ErrorCode.DEADLINE_EXCEEDED,
                    "the local worker gave no answer by the call's deadline", RUNNER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(request.requestId());
            return ToolReply.error(request.requestId(), ErrorCode.CANCELLED, "interrupted while waiting", RUNNER);
        } catch (ExecutionException e) {
            return ToolReply.error(request.requestId(), ErrorCode.UNAVAILABLE,
                    "the local fallback stopped: " + e.getCause().getMessage(), RUNNER);
        }
    }

    @Override
    public void cancel(String requestId) {
        cancels.cancel(requestId);
    }

    @Override
    public void close() {
        keeper.close();
        router.stop();
        blocking.close();
        shared.close();
        events.close();
        worker.close();
    }

    private void giveUp(String requestId) {
        router.forget(requestId);
        cancels.cancel(requestId);
    }

    /** The call as the ingress built it, answered on this reply stream instead of the ingress's own. */
    private ToolRequest repliedHere(ToolRequest r) {
        return new ToolRequest(r.version(), r.requestId(), r.sessionId(), r.tool(), r.arguments(), replyStream,
                r.deadlineEpochMs(), r.correlationId(), r.batchId());
    }
}
