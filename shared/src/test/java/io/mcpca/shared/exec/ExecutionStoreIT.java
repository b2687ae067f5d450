package io.mcpca.shared.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.exec.ExecutionStore.Attempt;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** transitionExecution-1.lua through the store, on a real Redis: legal paths, illegal ones, missing records. */
class ExecutionStoreIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    Keys keys;
    ExecutionStore store;

    @BeforeEach
    void freshPrefix() {
        keys = new Keys(REDIS.newPrefix());
        store = new ExecutionStore(REDIS.sync(), keys, Duration.ofMinutes(5), Clock.systemUTC());
    }

    @Test
    void aMissingRecordIsQueuedAndRunsToSuccess() {
        assertThat(store.find("s", "r1")).isEmpty();
        assertThat(store.transition("s", "r1", ExecutionState.RUNNING, Attempt.KEEP, "w1", "")).isEqualTo(1);
        assertThat(store.transition("s", "r1", ExecutionState.SUCCEEDED, Attempt.KEEP, "w1", "")).isEqualTo(1);
        ExecutionRecord record = store.find("s", "r1").orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(record.previous()).isEqualTo(ExecutionState.RUNNING);
        assertThat(record.workerId()).isEqualTo("w1");
        assertThat(record.schema()).isEqualTo(ExecutionRecord.SCHEMA);
        assertThat(REDIS.sync().pttl(keys.execution("s", "r1"))).isBetween(1L, 300_000L);
    }

    @Test
    void aReclaimQueuesItAgainWithTheNextAttempt() {
        store.transition("s", "r2", ExecutionState.RUNNING, Attempt.KEEP, "w1", "");
        assertThat(store.transition("s", "r2", ExecutionState.QUEUED, Attempt.INCREMENT, "w2", "reclaimed")).isEqualTo(2);
        assertThat(store.transitionAtAttempt("s", "r2", ExecutionState.RUNNING, 3, "w2", "")).isEqualTo(3);
        assertThat(store.transition("s", "r2", ExecutionState.DEAD_LETTERED, Attempt.KEEP, "w2", "poison")).isEqualTo(3);
        assertThat(store.find("s", "r2").orElseThrow().reason()).isEqualTo("poison");
    }

    @Test
    void illegalTransitionsAreRefusedAndLeaveTheRecordAlone() {
        assertThatThrownBy(() -> store.transition("s", "r3", ExecutionState.SUCCEEDED, Attempt.KEEP, "w1", ""))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(store.find("s", "r3")).isEmpty();
        store.transition("s", "r3", ExecutionState.RUNNING, Attempt.KEEP, "w1", "");
        store.transition("s", "r3", ExecutionState.FAILED, Attempt.KEEP, "w1", "bad arguments");
        assertThatThrownBy(() -> store.transition("s", "r3", ExecutionState.SUCCEEDED, Attempt.KEEP, "w2", ""))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> store.transition("s", "r3", ExecutionState.RUNNING, Attempt.KEEP, "w2", ""))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(store.find("s", "r3").orElseThrow().state()).isEqualTo(ExecutionState.FAILED);
    }
}
