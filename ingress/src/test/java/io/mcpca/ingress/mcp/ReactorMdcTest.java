package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.log.CallMdc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ReactorMdcTest {

    private static final CallMdc CALL = new CallMdc("c1", "r1", "s1", "ping");

    @Test
    void theCallsContextCrossesEveryHopOfItsChainAndLeavesNoThreadWithIt() {
        MDC.clear();
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<String> answer = new CompletableFuture<>();
        Mono<String> chain = Mono.fromCallable(() -> seen.add("submit:" + MDC.get("requestId")))
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.fromFuture(answer))
                .publishOn(Schedulers.boundedElastic())
                .map(a -> {
                    seen.add("answer:" + MDC.get("correlationId") + ":" + Thread.currentThread().getName());
                    return a;
                })
                .timeout(Duration.ofSeconds(30));
        CompletableFuture<String> result = ReactorMdc.within(CALL, chain).toFuture();
        // the answer arrives on another thread, which (as the reply router does) restores the call's context first
        Thread router = new Thread(() -> {
            try (CallMdc.Scope scope = CALL.open()) {
                answer.complete("done");
            }
        }, "router");
        router.start();
        assertThat(result.join()).isEqualTo("done");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("submit:r1");
        assertThat(seen.get(1)).startsWith("answer:c1:boundedElastic");
        assertThat(MDC.getCopyOfContextMap() == null || MDC.getCopyOfContextMap().isEmpty()).isTrue();
        // a task scheduled outside any call runs without one, on the same pool
        String outside = Mono.fromCallable(() -> String.valueOf(MDC.get("requestId")))
                .subscribeOn(Schedulers.boundedElastic()).block();
        assertThat(outside).isEqualTo("null");
    }
}
