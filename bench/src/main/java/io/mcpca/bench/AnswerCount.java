package io.mcpca.bench;

import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Counts answers as they come instead of keeping every future until the end: a generator holding 100,000
 * replies makes its own young collections copy them, and those pauses (20-30 ms measured) land in the
 * latencies it reports.
 */
final class AnswerCount {
    private final java.util.concurrent.CountDownLatch left;
    private final java.util.concurrent.atomic.AtomicReference<String> firstFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    AnswerCount(int calls) {
        this.left = new java.util.concurrent.CountDownLatch(calls);
    }

    void watch(CompletableFuture<ToolReply> answer) {
        answer.whenComplete((reply, e) -> {
            if (e != null) {
                firstFailure.compareAndSet(null, e.toString());
            } else if (reply.kind() != ReplyKind.RESULT) {
                firstFailure.compareAndSet(null, reply.errorCode() + " " + reply.errorMessage());
            }
            left.countDown();
        });
    }

    void check() throws InterruptedException {
        if (!left.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(left.getCount() + " pings unanswered after 120 s");
        }
        if (firstFailure.get() != null) {
            throw new IllegalStateException("ping failed: " + firstFailure.get());
        }
    }
}
