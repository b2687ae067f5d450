package io.mcpca.ingress.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exactly one answer: the first final reply completes the call, later ones (a re-run after a crash) are dropped. */
class ReplyRouterTest {

    @Test
    void duplicateFinalRepliesAreDroppedAndProgressGoesToTheListener() {
        ReplyRouter router = new ReplyRouter(null, new StreamEntries(JacksonCodec.messagePack()), "replies");
        List<ToolReply> progress = new ArrayList<>();
        PendingCall call = router.register("r1", progress::add);

        router.route(ToolReply.progress("r1", 1, 2, "half", "w1"));
        router.route(ToolReply.result("r1", JsonBytes.of("{\"pong\":true}"), "w1"));
        router.route(ToolReply.result("r1", JsonBytes.of("{\"pong\":\"second run\"}"), "w2"));
        router.route(ToolReply.error("r1", ErrorCode.INTERNAL, "late", "w3"));
        router.route(ToolReply.progress("r1", 2, 2, "late progress", "w2"));

        assertThat(call.answer()).isCompleted();
        assertThat(call.answer().join().workerId()).isEqualTo("w1");
        assertThat(call.answer().join().result().text()).isEqualTo("{\"pong\":true}");
        assertThat(progress).extracting(ToolReply::message).containsExactly("half");
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void aReplyForAnUnknownCallIsDropped() {
        ReplyRouter router = new ReplyRouter(null, new StreamEntries(JacksonCodec.messagePack()), "replies");
        router.route(ToolReply.result("nobody", JsonBytes.of("{}"), "w1"));
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void streamIdsCompareByTimeThenSequenceNotAsText() {
        assertThat(ReplyRouter.compareIds("1700000000000-0", "999-5")).isPositive();
        assertThat(ReplyRouter.compareIds("5-10", "5-9")).isPositive();
        assertThat(ReplyRouter.compareIds("0-0", "0-0")).isZero();
        assertThat(ReplyRouter.compareIds("garbage", "0-0")).isNegative();
    }

    /** Redis restarted empty: the waiting calls' answers cannot arrive, so they fail at once, retryably. */
    @Test
    void callsWaitingWhenTheReplyStreamIsLostFailRetryably() {
        ReplyRouter router = new ReplyRouter(null, new StreamEntries(JacksonCodec.messagePack()), "replies");
        PendingCall call = router.register("r1", progress -> { });
        router.failAllPending("lost");
        assertThat(call.answer()).isCompleted();
        assertThat(call.answer().join().errorCode()).isEqualTo(ErrorCode.UNAVAILABLE.name());
        assertThat(ErrorCode.UNAVAILABLE.retryable()).isTrue();
        assertThat(router.pendingCount()).isZero();
    }
}
