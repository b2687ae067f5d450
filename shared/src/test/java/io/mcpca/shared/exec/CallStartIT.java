package io.mcpca.shared.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.exec.ExecutionStore.Attempt;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** startCall-3.lua through {@link CallStart}, on a real Redis: a fresh start, a busy session, a final record, a stale RUNNING one. */
class CallStartIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(5);

    Keys keys;
    CallStart starts;
    ExecutionStore executions;
    SessionLock lock;

    @BeforeEach
    void freshPrefix() {
        keys = new Keys(REDIS.newPrefix());
        starts = new CallStart(REDIS.sync(), keys, Duration.ofMinutes(5), Duration.ofDays(1), Clock.systemUTC());
        executions = new ExecutionStore(REDIS.sync(), keys, Duration.ofMinutes(5), Clock.systemUTC());
        lock = new SessionLock(REDIS.sync(), keys);
    }

    @Test
    void aFreshCallTakesTheLeaseWithANewFenceAndIsRecordedRunning() {
        CallStart.Started first = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow();
        LockLease lease = first.lease().orElseThrow();
        assertThat(lease.fence()).isEqualTo(1);
        assertThat(REDIS.sync().get(keys.lock("s"))).isEqualTo(lease.token());
        assertThat(REDIS.sync().pttl(keys.lock("s"))).isBetween(1L, LEASE.toMillis());
        ExecutionRecord record = executions.find("s", "r1").orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(record.previous()).isEqualTo(ExecutionState.QUEUED);
        assertThat(record.attempt()).isEqualTo(1);
        assertThat(record.workerId()).isEqualTo("w1");
        assertThat(REDIS.sync().pttl(keys.execution("s", "r1"))).isBetween(1L, 300_000L);

        assertThat(lock.release(lease)).isEmpty(); // the lease is SessionLock's to release
        assertThat(starts.tryStart("s", "r2", 2, "w1", LEASE).orElseThrow().lease().orElseThrow().fence())
                .isEqualTo(2);
        assertThat(executions.find("s", "r2").orElseThrow().attempt()).isEqualTo(2);
    }

    /** Issue 13: every session left its fence counter forever; it now lives the session's lifetime, refreshed. */
    @Test
    void theFenceExpiresASessionLifetimeAfterTheLastLeaseTaken() {
        LockLease lease = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        long day = Duration.ofDays(1).toMillis();
        assertThat(REDIS.sync().pttl(keys.fence("s"))).isBetween(day - 5_000, day);
        REDIS.sync().pexpire(keys.fence("s"), 60_000);
        lock.release(lease);
        starts.tryStart("s", "r2", 1, "w1", LEASE).orElseThrow();
        assertThat(REDIS.sync().pttl(keys.fence("s"))).as("refreshed").isBetween(day - 5_000, day);
    }

    @Test
    void aBusySessionYieldsNothingAndWritesNothing() {
        starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow();
        assertThat(starts.tryStart("s", "r2", 1, "w2", LEASE)).isEmpty();
        assertThat(executions.find("s", "r2")).isEmpty();
        assertThat(REDIS.sync().get(keys.fence("s"))).isEqualTo("1");
    }

    @Test
    void aFinalCallIsADuplicateAndTakesNoLease() {
        executions.transition("s", "r1", ExecutionState.RUNNING, Attempt.KEEP, "w1", "");
        executions.transition("s", "r1", ExecutionState.SUCCEEDED, Attempt.KEEP, "w1", "");
        Optional<CallStart.Started> again = starts.tryStart("s", "r1", 2, "w2", LEASE);
        assertThat(again).isPresent();
        assertThat(again.get().alreadyFinal()).isTrue();
        assertThat(REDIS.sync().exists(keys.lock("s"))).isZero();
        assertThat(REDIS.sync().exists(keys.fence("s"))).isZero();
        assertThat(executions.find("s", "r1").orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
    }

    @Test
    void aCallLeftRunningByADeadHolderStartsAndKeepsItsRecord() {
        executions.transitionAtAttempt("s", "r1", ExecutionState.RUNNING, 1, "dead", "");
        LockLease lease = starts.tryStart("s", "r1", 2, "w2", LEASE).orElseThrow().lease().orElseThrow();
        assertThat(lease.fence()).isEqualTo(1);
        ExecutionRecord record = executions.find("s", "r1").orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(record.workerId()).isEqualTo("dead");
    }

    @Test
    void theScriptIsLoadedAgainAfterAFlush() {
        REDIS.sync().scriptFlush();
        assertThat(starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease()).isPresent();
    }
}
