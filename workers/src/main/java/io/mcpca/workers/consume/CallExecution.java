package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.ProgressListener;
import io.mcpca.workers.run.ToolRunner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivered entry, start to end: 1. decode it (an undecodable entry goes to the dead-letter
 * stream with the reason); 2. take the session lock, backing off at random while another call of the
 * session runs; 3. run the tool with the watchdog extending the lease, forwarding progress; 4. publish
 * the reply; 5. XACK; 6. release the lock.
 */
public final class CallExecution {

    private static final Logger log = LoggerFactory.getLogger(CallExecution.class);
    /** Backoff bounds while a session is busy: short calls finish in a few ms, so start small. */
    private static final long MIN_BACKOFF_MS = 2;
    private static final long MAX_BACKOFF_MS = 50;
    /** Progress is forwarded at most this often per call, so a 10,000-file walk does not flood the reply stream. */
    private static final long PROGRESS_INTERVAL_MS = 200;

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final StreamEntries entries;
    private final Keys keys;
    private final SessionLock lock;
    private final LockWatchdog watchdog;
    private final ToolRunner runner;
    private final ReplyPublisher replies;
    private final Duration lockTtl;
    private final String workerId;
    private final Clock clock;

    public CallExecution(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, Keys keys,
                         SessionLock lock, LockWatchdog watchdog, ToolRunner runner, ReplyPublisher replies,
                         Duration lockTtl, String workerId, Clock clock) {
        this.redis = redis;
        this.entries = entries;
        this.keys = keys;
        this.lock = lock;
        this.watchdog = watchdog;
        this.runner = runner;
        this.replies = replies;
        this.lockTtl = lockTtl;
        this.workerId = workerId;
        this.clock = clock;
    }

    public void run(String pool, StreamMessage<byte[], byte[]> message) {
        ToolRequest request;
        try {
            request = entries.decodeRequest(message.getBody());
        } catch (WireFormatException e) {
            deadLetter(pool, message, e.getMessage());
            return;
        }
        Optional<LockLease> lease = acquire(request);
        if (lease.isEmpty()) {
            replies.publish(request.replyTo(), ToolReply.error(request.requestId(), ErrorCode.DEADLINE_EXCEEDED,
                    "the session stayed busy until the call's deadline", workerId));
            ack(pool, message);
            return;
        }
        try (AutoCloseable watched = watchdog.watch(lease.get())) {
            AnalyzerOutcome outcome = runner.run(request, throttledProgress(request));
            replies.publish(request.replyTo(), outcome.succeeded()
                    ? ToolReply.result(request.requestId(), outcome.result(), workerId)
                    : ToolReply.error(request.requestId(), outcome.error(), outcome.errorMessage(), workerId));
            ack(pool, message);
        } catch (Exception e) {
            log.warn("call {} of session {} failed: {}", request.requestId(), request.sessionId(), e.toString());
            replies.publish(request.replyTo(), ToolReply.error(request.requestId(), ErrorCode.INTERNAL,
                    "the worker failed: " + e.getMessage(), workerId));
            ack(pool, message);
        } finally {
            lock.release(lease.get()).ifPresent(error ->
                    log.warn("session {} lease was lost before release ({})", request.sessionId(), error));
        }
    }

    private Optional<LockLease> acquire(ToolRequest request) {
        long backoff = MIN_BACKOFF_MS;
        while (clock.millis() < request.deadlineEpochMs()) {
            Optional<LockLease> lease = lock.tryAcquire(request.sessionId(), lockTtl);
            if (lease.isPresent()) {
                return lease;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(MIN_BACKOFF_MS, backoff + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
        return Optional.empty();
    }

    private ProgressListener throttledProgress(ToolRequest request) {
        long[] last = {0};
        return (progress, total, text) -> {
            long now = clock.millis();
            if (now - last[0] < PROGRESS_INTERVAL_MS) {
                return;
            }
            last[0] = now;
            try {
                replies.publish(request.replyTo(), ToolReply.progress(request.requestId(), progress, total, text, workerId));
            } catch (RuntimeException e) {
                log.debug("progress of {} not sent: {}", request.requestId(), e.getMessage());
            }
        };
    }

    private void ack(String pool, StreamMessage<byte[], byte[]> message) {
        redis.xack(message.getStream(), pool.getBytes(StandardCharsets.UTF_8), message.getId());
    }

    private void deadLetter(String pool, StreamMessage<byte[], byte[]> message, String reason) {
        log.warn("pool {}: entry {} cannot be decoded ({}); moved to dead letters", pool, message.getId(), reason);
        Map<byte[], byte[]> body = new LinkedHashMap<>(message.getBody());
        body.put(bytes("reason"), bytes(reason));
        body.put(bytes("stream"), message.getStream());
        body.put(bytes("id"), bytes(message.getId()));
        body.put(bytes("worker"), bytes(workerId));
        redis.xadd(bytes(keys.deadLetters(pool)), XAddArgs.Builder.maxlen(100_000).approximateTrimming(), body);
        ack(pool, message);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
