package io.mcpca.workers.consume;

import io.mcpca.shared.log.CallMdc;

/**
 * The worker's side of a call's log context ({@link CallMdc}, opened from the {@code ToolRequest} the ingress
 * wrote, so both processes log the same ids): every role that works on one call (on a call thread, or on the
 * reading thread for calls admitted there) does so inside it, and a call thread's run is framed by the two
 * {@link CallMdc#CALLS} lines (started, ran in n ms). The analyzer process's stderr lines take the context of the
 * call it is running ({@link io.mcpca.workers.run.AnalyzerProcess}).
 */
final class CallLogContext {

    private CallLogContext() {
    }

    /** Opens the call's log context on this thread. */
    static CallMdc.Scope open(Delivered call) {
        return CallMdc.of(call.request()).open();
    }

    /** Runs a call's whole turn on a call thread inside its log context. */
    static void run(Delivered call, Runnable work) {
        try (CallMdc.Scope scope = open(call)) {
            long start = System.nanoTime();
            CallMdc.CALLS.debug("call started in pool {} (delivery {})", call.pool(), call.delivery());
            work.run();
            if (CallMdc.CALLS.isDebugEnabled()) {
                CallMdc.CALLS.debug("call ran in {} ms", (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /** {@code work} to run later inside the call's log context. */
    static Runnable wrap(Delivered call, Runnable work) {
        return () -> {
            try (CallMdc.Scope scope = open(call)) {
                work.run();
            }
        };
    }
}
