package io.mcpca.workers.consume;

import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.log.CallMdc;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.consume.WaitingCalls.LoopCall;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher.Completion;
import io.mcpca.workers.run.ProgressListener;
import io.mcpca.workers.run.ToolRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits one read on the reading thread, before any call goes to a call thread. The calls the worker answers
 * itself (a ping {@code via: worker}) finish here: a sessionless one at once, its reply leaving with the loop's
 * next read; the session-locked ones start together in one pipelined round trip and finish through the batcher.
 * One whose session is busy waits on the loop ({@link WaitingCalls}: random doubling pause, holding no thread)
 * until its session is free or its deadline passes. Every other call becomes a task for a call thread, which
 * takes its lease there: a lease taken for a call that then waits in the executor's queue could sit behind every
 * call thread, each backing off for that very lease, a deadlock until their deadlines.
 */
public final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    /** Wait for a read's pipelined starts: far above any healthy Redis; past it the call starts alone. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

    private final ToolRunner runner;
    private final Set<String> sessionlessTools;
    private final LoopReplies loopReplies;
    private final Starts starts;
    private final Answers answers;
    private final WaitingCalls waiting;
    private final Clock clock;

    /** Starts a read's session-locked calls on the loop's own connection (auto-flush off), pipelined. */
    public record Starts(CallStart script, RedisConnection<String, String> pipeline, Duration lockTtl,
                         String workerId) {
        public Starts {
            pipeline.setAutoFlushCommands(false);
        }
    }

    public Admission(ToolRunner runner, Set<String> sessionlessTools, LoopReplies loopReplies, Starts starts,
                     Answers answers, WaitingCalls waiting, Clock clock) {
        this.runner = runner;
        this.sessionlessTools = Set.copyOf(sessionlessTools);
        this.loopReplies = loopReplies;
        this.starts = starts;
        this.answers = answers;
        this.waiting = waiting;
        this.clock = clock;
    }

    /** Where this worker's batcher reports released leases: a waiting call of that session may go at once. */
    public void leaseReleased(String session) {
        waiting.leaseReleased(session);
    }

    /**
     * @param calls        one read, decoded (may be empty when only waiting calls are due)
     * @param onCallThread what a call thread does with a call not finished here
     * @return per call and in order, its task for a call thread, or empty when it is done (or waits here)
     */
    public List<Optional<Runnable>> admit(List<Delivered> calls, Consumer<Delivered> onCallThread) {
        waiting.beginAdmission();
        List<Optional<Runnable>> tasks = new ArrayList<>(calls.size());
        List<LoopCall> attempts = waiting.due();
        Set<String> attempted = new HashSet<>();
        attempts.forEach(a -> attempted.add(a.session()));
        for (int i = 0; i < calls.size(); i++) {
            Delivered call = calls.get(i);
            ToolRequest request = call.request();
            tasks.add(Optional.empty());
            // a batch item goes to a call thread even when the worker could answer it itself: its outcome is recorded
            // in its batch through the reply batcher, which the loop's own replies do not pass
            if (!runner.answersItself(request) || request.inBatch()) {
                tasks.set(i, Optional.of(() -> onCallThread.accept(call)));
            } else if (sessionlessTools.contains(request.tool())) {
                // no record, no script: the reply leaves with the loop's next read, the XACK with the one after
                try (CallMdc.Scope scope = CallLogContext.open(call)) {
                    loopReplies.add(new Completion(call.pool(), call.message().getStream(), call.entryId(),
                            request.replyTo(), answers.reply(request, runner.run(request, ProgressListener.NONE)),
                            Optional.empty()));
                }
            } else if (waiting.isWaiting(request.sessionId()) || !attempted.add(request.sessionId())) {
                // a call of the session is ahead of it (waiting, or starting in this round): it waits its turn
                waiting.hold(new LoopCall(call, -1, false), WaitingCalls.FIRST_WAIT_NANOS, false);
            } else {
                attempts.add(new LoopCall(call, i, false));
            }
        }
        if (!attempts.isEmpty()) {
            startTogether(attempts, tasks, onCallThread);
        }
        waiting.endAdmission();
        return tasks;
    }

    public Optional<Duration> retryIn() {
        return waiting.retryIn();
    }

    public int heldBack() {
        return waiting.size();
    }

    /** Starts the attempts in one round trip and finishes those that got their lease; the others wait (again). */
    private void startTogether(List<LoopCall> attempts, List<Optional<Runnable>> tasks,
                               Consumer<Delivered> onCallThread) {
        List<CallStart.PendingStart> pending = new ArrayList<>(attempts.size());
        for (LoopCall a : attempts) {
            ToolRequest request = a.call().request();
            pending.add(starts.script().tryStartAsync(starts.pipeline().async(), request.sessionId(),
                    request.requestId(), 1, starts.workerId(), starts.lockTtl()));
        }
        starts.pipeline().flushCommands();
        for (int n = 0; n < attempts.size(); n++) {
            LoopCall a = attempts.get(n);
            try (CallMdc.Scope scope = CallLogContext.open(a.call())) {
                finishStart(a, pending.get(n), tasks, onCallThread);
            }
        }
    }

    /** One attempt's start, answered: run and finish it, or let it wait (again), or hand it to a call thread. */
    private void finishStart(LoopCall a, CallStart.PendingStart start, List<Optional<Runnable>> tasks,
                             Consumer<Delivered> onCallThread) {
        Optional<CallStart.Started> started;
        try {
            started = start.result(START_TIMEOUT);
        } catch (Exception e) {
            // NOSCRIPT after a restart, a timeout: a fresh call starts alone on a call thread (which reloads the
            // script); a waiting one tries again later
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("call {}: pipelined start failed ({})", a.call().request().requestId(), e.toString());
            if (a.waited()) {
                waitAgain(a);
            } else {
                tasks.set(a.index(), Optional.of(() -> onCallThread.accept(a.call())));
            }
            return;
        }
        if (started.isEmpty()) {
            waitAgain(a);
        } else if (started.get().alreadyFinal()) {
            if (a.waited()) {
                answers.answerAgain(a.call());
                waiting.release(a);
            } else {
                tasks.set(a.index(), Optional.of(CallLogContext.wrap(a.call(), () -> answers.answerAgain(a.call()))));
            }
        } else {
            answers.finishLocked(a.call(), started.get().lease().orElseThrow(),
                    runner.run(a.call().request(), ProgressListener.NONE));
            waiting.release(a);
        }
    }

    /** The session is still busy: wait again with a doubled pause, or answer DEADLINE_EXCEEDED past the deadline. */
    private void waitAgain(LoopCall a) {
        if (clock.millis() >= a.call().request().deadlineEpochMs()) {
            answers.busyUntilDeadline(a.call());
            waiting.release(a);
            return;
        }
        long pause = a.waited() ? Math.min(WaitingCalls.MAX_WAIT_NANOS, waiting.lastPauseNanos(a) * 2)
                : WaitingCalls.FIRST_WAIT_NANOS;
        long jittered = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
        waiting.hold(a, jittered, true);
    }
}
