package io.mcpca.ingress.mcp;

import io.mcpca.shared.log.CallMdc;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Carries a call's log context ({@link CallMdc}) across the threads its Reactor chain hops to: a task handed to a
 * Reactor scheduler ({@code subscribeOn}, {@code publishOn}, {@code timeout}) runs with the MDC its scheduling thread
 * had (one schedule hook for the process), and {@link #within} subscribes a call's chain inside the call's context,
 * so its first hops start with it. The reply router restores the context of a waiting call itself before it completes
 * it (see {@link io.mcpca.ingress.reply.PendingCall}), so what runs after the answer arrives has it too. Explicit
 * hand-offs instead of Reactor's automatic context propagation, which would wrap every operator of every chain.
 */
public final class ReactorMdc {

    private static final String HOOK = "mcpca-mdc";

    static {
        Schedulers.onScheduleHook(HOOK, CallMdc::carried);
    }

    private ReactorMdc() {
    }

    /** {@code chain}, subscribed inside {@code context}: what it schedules at subscription carries the context. */
    public static <T> Mono<T> within(CallMdc context, Mono<T> chain) {
        // fromDirect: the chain is a Mono already (Mono.from would add a cancel of it after its one value)
        return Mono.fromDirect(subscriber -> {
            try (CallMdc.Scope scope = context.open()) {
                chain.subscribe(subscriber);
            }
        });
    }
}
