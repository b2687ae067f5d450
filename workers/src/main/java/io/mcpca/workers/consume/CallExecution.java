package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.exec.ExecutionStore.Attempt;
import io.mcpca.shared.exec.IllegalTransitionException;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.DeadLetters;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.ProgressListener;
import io.mcpca.workers.run.ToolRunner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivered entry, start to end: 1. decode it (an undecodable entry goes to the dead letters);
 * 2. a tool whose contract is sessionless (ping) takes the fast path: run it (retrying an analyzer crash as
 * below) and hand the reply and the XACK to the {@link ReplyBatcher}: no lease, fence, session write or
 * execution record, because the tool neither reads nor writes the session. Every other tool: 3. take the
 * session lease with its fence and record RUNNING, in one script ({@link CallStart}), backing off at random
 * while another call of the session runs (a call already final was answered before: send its kept reply
 * again and acknowledge); 4. run the tool with the watchdog extending the lease, forwarding progress,
 * retrying an analyzer crash a few times with backoff (bad arguments are never retried); a crash on every
 * retry hands the entry back for another delivery, and the reclaimer dead-letters it after maxDeliveries;
 * 5. the batcher, in one script per call ({@link CallFinish}, pipelined with the others of its batch), writes
 * the session under the lease's fence (version + 1), releases the lease and records SUCCEEDED, FAILED or
 * CANCELLED keeping the reply; a stale fence means the lease was lost and another worker owns the call now,
 * so the result is dropped unanswered; 6. then it publishes the reply, XACKs, and drops the kept copy.
 *
 * <p>Fresh reads are first {@linkplain #admit admitted} together on the reading thread: the calls the worker
 * answers itself finish there, session-locked or not (the locked ones start in one pipelined round trip), so
 * a batch of such calls costs a few round trips in all rather than a few per call. A call that needs a call
 * thread takes its lease there, never while it waits in the queue (which could deadlock the pool).
 */
public final class CallExecution implements EntryHandler {

    private static final Logger log = LoggerFactory.getLogger(CallExecution.class);
    /** Progress is forwarded at most this often per call, so a 10,000-file walk does not flood the reply stream. */
    private static final long PROGRESS_INTERVAL_MS = 200;
    /** Wait for a read's pipelined starts: far above any healthy Redis; past it the call starts alone. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    /** First pause of a call waiting on the loop for its busy session; doubles up to the second. */
    private static final long FIRST_WAIT_NANOS = 500_000;
    private static final long MAX_WAIT_NANOS = 50_000_000;
    /** While calls are held back, the loop looks for released leases at least this often. */
    private static final long MAX_HOLD_POLL_NANOS = 1_000_000;

    /**
     * @param lockTtl          session lease; the watchdog extends it every third
     * @param sessionTtl       how long a session outlives its last call
     * @param transientRetries in-worker retries of an analyzer crash before the entry is handed back
     * @param retryBackoff     first retry's pause; doubles per retry, plus up to as much again at random
     */
    public record Settings(Duration lockTtl, Duration sessionTtl, int transientRetries, Duration retryBackoff) {
    }

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final StreamEntries entries;
    private final SessionLock lock;
    private final ContentionBackoff contention;
    private final LockWatchdog watchdog;
    private final ToolRunner runner;
    private final ReplyPublisher replies;
    private final ExecutionStore executions;
    private final DeadLetters deadLetters;
    private final ClaimRefresher claims;
    private final Settings settings;
    private final ContentionBackoff.Sleeper sleeper;
    private final String workerId;
    private final Clock clock;
    private final ReplyBatcher batcher;
    private final Set<String> sessionlessTools;
    private final CallStart starts;
    private final CallFinish finishes;
    private final StatefulRedisConnection<String, String> startPipeline;
    private final LoopReplies loopReplies;
    /** Calls held back on the read loop while their session is busy, per session in arrival order (loop thread only). */
    private final Map<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    /** Sessions whose lease a finish released while calls were held back (from the batcher's thread). */
    private final Queue<String> released = new ConcurrentLinkedQueue<>();
    private volatile boolean holdingBack;

    public CallExecution(RedisStreamCommands<byte[], byte[]> redis, StreamEntries entries, SessionLock lock,
                         ContentionBackoff contention, LockWatchdog watchdog, ToolRunner runner,
                         ReplyPublisher replies, ExecutionStore executions, DeadLetters deadLetters,
                         ClaimRefresher claims, Settings settings, ContentionBackoff.Sleeper sleeper,
                         String workerId, Clock clock, ReplyBatcher batcher, Set<String> sessionlessTools,
                         CallStart starts, CallFinish finishes, StatefulRedisConnection<String, String> startPipeline,
                         LoopReplies loopReplies) {
        this.redis = redis;
        this.entries = entries;
        this.lock = lock;
        this.contention = contention;
        this.watchdog = watchdog;
        this.runner = runner;
        this.replies = replies;
        this.executions = executions;
        this.deadLetters = deadLetters;
        this.claims = claims;
        this.settings = settings;
        this.sleeper = sleeper;
        this.workerId = workerId;
        this.clock = clock;
        this.batcher = batcher;
        this.sessionlessTools = Set.copyOf(sessionlessTools);
        this.starts = starts;
        this.finishes = finishes;
        this.startPipeline = startPipeline;
        this.loopReplies = loopReplies;
        startPipeline.setAutoFlushCommands(false);
        batcher.onLeaseReleased(session -> {
            if (holdingBack) {
                released.add(session);
            }
        });
    }

    @Override
    public void handle(String pool, StreamMessage<byte[], byte[]> message, int delivery) {
        ToolRequest request;
        try {
            request = entries.decodeRequest(message.getBody());
        } catch (WireFormatException e) {
            deadLetters.undecodable(pool, message, delivery, e.getMessage());
            return;
        }
        if (sessionlessTools.contains(request.tool())) {
            runSessionless(pool, message, request);
            return;
        }
        // one round trip: the lease, its fence and the RUNNING record (startCall-3.lua)
        Optional<CallStart.Started> started = contention.retry(() -> starts.tryStart(request.sessionId(),
                request.requestId(), delivery, workerId, settings.lockTtl()), request.deadlineEpochMs());
        if (started.isPresent() && started.get().alreadyFinal()) {
            answerAgain(pool, message, request);
            return;
        }
        Optional<LockLease> lease = started.flatMap(CallStart.Started::lease);
        if (lease.isEmpty()) {
            busyUntilDeadline(pool, message, request);
            return;
        }
        runLocked(pool, message, request, lease.get());
    }

    /**
     * Admits one read on the reading thread: the calls the worker answers itself finish here, the
     * session-locked ones after starting together in one pipelined round trip (their session write, lease
     * release and record go out with the next reply batch). Everything else becomes a task for a call thread,
     * which takes the lease itself (a busy session backs off in {@link #handle}).
     */
    @Override
    public List<Optional<Runnable>> admit(String pool, List<StreamMessage<byte[], byte[]>> messages) {
        holdingBack = true; // from here on releases are noted; cleared below when nothing is held back
        List<Optional<Runnable>> tasks = EntryHandler.eachToHandle(this, pool, messages); // replaced below as decided
        List<LoopCall> attempts = dueWaiting();
        Set<String> attempted = new HashSet<>();
        attempts.forEach(a -> attempted.add(a.request().sessionId()));
        for (int i = 0; i < messages.size(); i++) {
            StreamMessage<byte[], byte[]> message = messages.get(i);
            ToolRequest request;
            try {
                request = entries.decodeRequest(message.getBody());
            } catch (WireFormatException e) {
                continue; // handle() dead-letters it
            }
            if (!sessionlessTools.contains(request.tool())) {
                // Only a call that finishes right here may take its lease here. A lease taken for a call that then
                // waits in the executor's queue could sit behind every call thread, each backing off for that
                // very lease: a deadlock until their deadlines. Those calls start on their call thread.
                if (runner.answersItself(request)) {
                    String session = request.sessionId();
                    if (waiting.containsKey(session) || !attempted.add(session)) {
                        // a call of the session is ahead of it (waiting, or starting in this round): it waits its turn
                        hold(new LoopCall(pool, message, request, -1, false), System.nanoTime(), FIRST_WAIT_NANOS,
                                false);
                        tasks.set(i, Optional.empty());
                    } else {
                        attempts.add(new LoopCall(pool, message, request, i, false));
                    }
                }
            } else if (runner.answersItself(request)) {
                // no record, no script: the reply leaves with the loop's next read, the XACK with the one after
                loopReplies.add(new ReplyBatcher.Completion(pool, message.getStream(), message.getId(),
                        request.replyTo(), reply(request, runner.run(request, ProgressListener.NONE)),
                        Optional.empty()));
                tasks.set(i, Optional.empty());
            } else {
                tasks.set(i, Optional.of(() -> runSessionless(pool, message, request)));
            }
        }
        if (!attempts.isEmpty()) {
            startTogether(attempts, tasks);
        }
        if (waiting.isEmpty()) {
            holdingBack = false;
            released.clear();
        }
        return tasks;
    }

    /**
     * A session-locked call the loop answers itself, being started on the loop: fresh from this read (its index
     * in it), or one that waited on the loop for its busy session ({@code waited}).
     */
    private record LoopCall(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, int index,
                           boolean waited) {
    }

    /** A call held back on the loop while its session is busy, with when to try again and the next pause. */
    private record Waiting(LoopCall attempt, long dueNanos, long pauseNanos) {
    }

    /**
     * While calls are held back: at once if a lease was released meanwhile, else at the earliest pause's end but
     * within a millisecond, since a lease this worker holds is released by its batcher at any moment.
     */
    @Override
    public Optional<Duration> retryIn() {
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        if (!released.isEmpty()) {
            return Optional.of(Duration.ZERO);
        }
        long now = System.nanoTime();
        long due = waiting.values().stream().mapToLong(q -> q.peekFirst().dueNanos()).min().orElse(now);
        return Optional.of(Duration.ofNanos(Math.min(MAX_HOLD_POLL_NANOS, Math.max(0, due - now))));
    }

    @Override
    public int heldBack() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** The first waiting call of every session whose pause is over, in the order their sessions first waited. */
    private List<LoopCall> dueWaiting() {
        List<LoopCall> due = new ArrayList<>();
        long now = System.nanoTime();
        // a session whose lease was just released: its first waiting call goes now
        for (String session = released.poll(); session != null; session = released.poll()) {
            ArrayDeque<Waiting> queue = waiting.get(session);
            if (queue != null) {
                Waiting head = queue.pollFirst();
                queue.addFirst(new Waiting(head.attempt(), now, FIRST_WAIT_NANOS));
            }
        }
        waiting.values().forEach(queue -> {
            if (queue.peekFirst().dueNanos() <= now) {
                due.add(queue.peekFirst().attempt());
            }
        });
        return due;
    }

    /**
     * Holds a call back on the loop: a waited one stays first in its session's queue; a fresh one that found its
     * session busy goes first too ({@code ahead}: every other call of the session in the queue came in the same
     * read, after it); a fresh one behind a call of its session goes last.
     */
    private void hold(LoopCall attempt, long now, long pauseNanos, boolean ahead) {
        Waiting w = new Waiting(new LoopCall(attempt.pool(), attempt.message(), attempt.request(), -1, true),
                now + pauseNanos, pauseNanos);
        ArrayDeque<Waiting> queue = waiting.computeIfAbsent(attempt.request().sessionId(), k -> new ArrayDeque<>());
        if (attempt.waited()) {
            queue.pollFirst();
            queue.addFirst(w);
        } else {
            if (ahead) {
                queue.addFirst(w);
            } else {
                queue.addLast(w);
            }
            claims.hold(attempt.pool(), streamOf(attempt.message()), attempt.message().getId());
        }
    }

    /** A waited call is done (finished, answered again, or out of time): the next of its session may go. */
    private void release(LoopCall attempt) {
        if (!attempt.waited()) {
            return;
        }
        String session = attempt.request().sessionId();
        ArrayDeque<Waiting> queue = waiting.get(session);
        queue.pollFirst();
        if (queue.isEmpty()) {
            waiting.remove(session);
        }
        claims.release(attempt.pool(), streamOf(attempt.message()), attempt.message().getId());
    }

    /**
     * Starts session-locked calls the worker answers itself in one round trip and finishes those that got their
     * lease; one whose session is busy waits on the loop (random doubling pause, as {@link ContentionBackoff}
     * but holding no thread) until the session is free or its deadline passes. See {@link #admit}.
     */
    private void startTogether(List<LoopCall> attempts, List<Optional<Runnable>> tasks) {
        List<CallStart.PendingStart> pending = new ArrayList<>(attempts.size());
        for (LoopCall a : attempts) {
            pending.add(starts.tryStartAsync(startPipeline.async(), a.request().sessionId(), a.request().requestId(),
                    1, workerId, settings.lockTtl()));
        }
        startPipeline.flushCommands();
        for (int n = 0; n < attempts.size(); n++) {
            LoopCall a = attempts.get(n);
            ToolRequest request = a.request();
            Optional<CallStart.Started> started;
            try {
                started = pending.get(n).result(START_TIMEOUT);
            } catch (Exception e) {
                // NOSCRIPT after a restart, a timeout: a fresh call starts alone in handle() (which reloads the
                // script); a waiting one tries again later
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.debug("call {}: pipelined start failed ({})", request.requestId(), e.toString());
                if (a.waited()) {
                    waitAgain(a, tasks);
                }
                continue;
            }
            if (started.isEmpty()) {
                waitAgain(a, tasks);
            } else if (started.get().alreadyFinal()) {
                if (a.waited()) {
                    answerAgain(a.pool(), a.message(), request);
                    release(a);
                } else {
                    tasks.set(a.index(), Optional.of(() -> answerAgain(a.pool(), a.message(), request)));
                }
            } else {
                finishLocked(a.pool(), a.message(), request, started.get().lease().orElseThrow(),
                        runner.run(request, ProgressListener.NONE));
                release(a);
                if (!a.waited()) {
                    tasks.set(a.index(), Optional.empty());
                }
            }
        }
    }

    /** The session is still busy: wait again with a doubled pause, or answer DEADLINE_EXCEEDED past the deadline. */
    private void waitAgain(LoopCall a, List<Optional<Runnable>> tasks) {
        ToolRequest request = a.request();
        if (clock.millis() >= request.deadlineEpochMs()) {
            busyUntilDeadline(a.pool(), a.message(), request);
            release(a);
            if (!a.waited()) {
                tasks.set(a.index(), Optional.empty());
            }
            return;
        }
        long pause = a.waited()
                ? Math.min(MAX_WAIT_NANOS, waiting.get(request.sessionId()).peekFirst().pauseNanos() * 2)
                : FIRST_WAIT_NANOS;
        long jittered = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
        hold(a, System.nanoTime(), jittered, true);
        if (!a.waited()) {
            tasks.set(a.index(), Optional.empty());
        }
    }

    /** The call never got its session's lease before its deadline: answered DEADLINE_EXCEEDED, recorded CANCELLED. */
    private void busyUntilDeadline(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request) {
        String why = "the session stayed busy until the call's deadline";
        finish(pool, message, request, ToolReply.error(request.requestId(), ErrorCode.DEADLINE_EXCEEDED, why,
                workerId), Optional.of(ExecutionState.CANCELLED), why);
    }

    /** A started session-locked call: run it with the watchdog extending its lease, then finish it. */
    private void runLocked(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, LockLease lease) {
        boolean handedOver = false;
        try (AutoCloseable watched = watchdog.watch(lease)) {
            AnalyzerOutcome outcome = runWithRetries(request);
            if (!outcome.succeeded() && outcome.error() == ErrorCode.ANALYZER_FAILED) {
                handBack(pool, message, request, outcome.errorMessage());
                return;
            }
            watched.close();
            finishLocked(pool, message, request, lease, outcome);
            handedOver = true;
        } catch (InterruptedException e) {
            // shutdown past its grace period: someone else finishes the call
            Thread.currentThread().interrupt();
            handBack(pool, message, request, "the worker stopped mid-call");
        } catch (Exception e) {
            log.warn("call {} of session {} failed: {}", request.requestId(), request.sessionId(), e.toString());
            record(request, ExecutionState.FAILED, "the worker failed: " + e.getMessage());
            replies.publish(request.replyTo(), ToolReply.error(request.requestId(), ErrorCode.INTERNAL,
                    "the worker failed: " + e.getMessage(), workerId));
            ack(pool, message);
        } finally {
            if (!handedOver) {
                releaseQuietly(lease);
            }
        }
    }

    /**
     * Hands a finished session-locked call to the batcher, which in one script per call (all pipelined)
     * writes the session under the fence, releases the lease and records the final state keeping the reply,
     * and then publishes the reply and acknowledges; a stale fence drops the result unanswered (another
     * worker owns the call now).
     */
    private void finishLocked(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request,
                              LockLease lease, AnalyzerOutcome outcome) {
        ToolReply reply = reply(request, outcome);
        ExecutionState state = outcome.succeeded() ? ExecutionState.SUCCEEDED
                : outcome.cancelled() ? ExecutionState.CANCELLED : ExecutionState.FAILED;
        CallFinish.Finish finish = new CallFinish.Finish(lease, request.requestId(), state, outcome.errorMessage(),
                outcome.sessionAttributes(request), settings.sessionTtl(), workerId, reply);
        batcher.complete(ReplyBatcher.Completion.finishing(pool, message.getStream(), message.getId(),
                request.replyTo(), finish, finishes.recordKey(request.sessionId(), request.requestId())));
    }

    /**
     * The call's record is final: an earlier delivery answered it, and its reply or its XACK may have been
     * lost. Sends the reply that delivery kept in the record (the ingress drops it if the first one arrived),
     * or, when none was kept, a retryable error, so the caller never waits for nothing; then acknowledges.
     */
    private void answerAgain(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request) {
        Optional<ToolReply> kept;
        try {
            kept = finishes.keptReply(request.sessionId(), request.requestId());
        } catch (RuntimeException e) {
            kept = Optional.empty();
        }
        log.info("call {} was answered on an earlier delivery; {} and acknowledging", request.requestId(),
                kept.isPresent() ? "sending its kept reply again" : "its reply was not kept, answering with an error");
        ToolReply again = kept.orElseGet(() -> ToolReply.error(request.requestId(), ErrorCode.INTERNAL,
                "the call finished on an earlier delivery but its answer was lost; call again", workerId));
        batcher.complete(new ReplyBatcher.Completion(pool, message.getStream(), message.getId(), request.replyTo(),
                again, Optional.empty(), Optional.of(finishes.recordKey(request.sessionId(), request.requestId()))));
    }

    /** The fast path of a sessionless tool: no lease, no session write, no execution record. */
    private void runSessionless(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request) {
        try {
            AnalyzerOutcome outcome = runWithRetries(request);
            if (!outcome.succeeded() && outcome.error() == ErrorCode.ANALYZER_FAILED) {
                handBack(pool, message, request, outcome.errorMessage());
                return;
            }
            finish(pool, message, request, reply(request, outcome), Optional.empty(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBack(pool, message, request, "the worker stopped mid-call");
        }
    }

    private ToolReply reply(ToolRequest request, AnalyzerOutcome outcome) {
        return outcome.toReply(request.requestId(), workerId);
    }

    /** Hands the reply, the final record (if any) and the XACK to the batcher, which sends them in that order. */
    private void finish(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, ToolReply reply,
                        Optional<ExecutionState> state, String reason) {
        batcher.complete(new ReplyBatcher.Completion(pool, message.getStream(), message.getId(), request.replyTo(),
                reply, state.map(s -> new ReplyBatcher.Transition(request.sessionId(), request.requestId(), s,
                        reason))));
    }

    private AnalyzerOutcome runWithRetries(ToolRequest request) throws InterruptedException {
        ProgressListener progress = throttledProgress(request);
        AnalyzerOutcome outcome = runner.run(request, progress);
        long pauseMs = settings.retryBackoff().toMillis();
        for (int retry = 1; retry <= settings.transientRetries() && !outcome.succeeded()
                && outcome.error() == ErrorCode.ANALYZER_FAILED; retry++) {
            long pause = pauseMs + ThreadLocalRandom.current().nextLong(pauseMs + 1);
            if (clock.millis() + pause >= request.deadlineEpochMs()) {
                break;
            }
            log.info("call {}: analyzer failed ({}); retry {} of {} in {} ms", request.requestId(),
                    outcome.errorMessage(), retry, settings.transientRetries(), pause);
            sleeper.sleep(pause);
            pauseMs *= 2;
            outcome = runner.run(request, progress);
        }
        return outcome;
    }

    /** The analyzer crashed on every retry: let another delivery (maybe another worker) try, up to maxDeliveries. */
    private void handBack(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, String reason) {
        log.warn("call {}: analyzer failed on every retry ({}); handing the entry back", request.requestId(), reason);
        if (!sessionlessTools.contains(request.tool())) {
            record(request, ExecutionState.QUEUED, reason);
        }
        claims.handBack(pool, streamOf(message), message.getId());
    }

    private void record(ToolRequest request, ExecutionState state, String reason) {
        try {
            executions.transition(request.sessionId(), request.requestId(), state,
                    state == ExecutionState.QUEUED ? Attempt.INCREMENT : Attempt.KEEP, workerId, reason);
        } catch (IllegalTransitionException e) {
            log.warn("call {}: {}", request.requestId(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("call {}: could not record {}: {}", request.requestId(), state, e.getMessage());
        }
    }

    private void releaseQuietly(LockLease lease) {
        try {
            lock.release(lease).ifPresent(error ->
                    log.warn("session {} lease was lost before release ({})", lease.sessionId(), error));
        } catch (RuntimeException e) {
            log.warn("session {} lease not released ({}); it expires by itself", lease.sessionId(), e.getMessage());
        }
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

    private static String streamOf(StreamMessage<byte[], byte[]> message) {
        return new String(message.getStream(), StandardCharsets.UTF_8);
    }

    private void ack(String pool, StreamMessage<byte[], byte[]> message) {
        redis.xack(message.getStream(), pool.getBytes(StandardCharsets.UTF_8), message.getId());
    }
}
