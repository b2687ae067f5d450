package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightCallsTest {

    private final InFlightCalls calls = new InFlightCalls();

    @Test
    void aCancelReachesTheRunningCallOfItsSessionAndIdOnly() throws Exception {
        AtomicInteger cancelled = new AtomicInteger();
        AutoCloseable running = calls.register("s1", 7, cancelled::incrementAndGet);

        assertThat(calls.cancel("s2", 7)).as("another session's id 7").isFalse();
        assertThat(calls.cancel("s1", "7")).as("the string 7 is another id than the number 7").isFalse();
        assertThat(cancelled).hasValue(0);
        assertThat(calls.cancel("s1", 7)).isTrue();
        assertThat(cancelled).hasValue(1);
        running.close();
        assertThat(calls.size()).isZero();
    }

    @Test
    void aCancelThatOvertakesItsCallCancelsItWhenItRegisters() throws Exception {
        assertThat(calls.cancel("s1", 9)).as("nothing runs under id 9 yet").isFalse();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();

        calls.register("s2", 9, other::incrementAndGet).close();
        calls.register("s1", 9, cancelled::incrementAndGet).close();
        calls.register("s1", 10, other::incrementAndGet).close();

        assertThat(cancelled).as("cancelled on registering").hasValue(1);
        assertThat(other).as("other sessions and ids untouched").hasValue(0);
        AtomicInteger again = new AtomicInteger();
        calls.register("s1", 9, again::incrementAndGet).close();
        assertThat(again).as("an early cancel is used once").hasValue(0);
    }
}
