package io.mcpca.shared.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.session.SessionStore;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.session.SessionWrite;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * finishCall-4.lua through {@link CallFinish}, on a real Redis: after {@link CallStart}, one script writes the
 * session under the fence, releases the lease and makes the record final with the reply kept; a stale fence
 * writes nothing; a reply over the limit is not kept.
 */
class CallFinishIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration SESSION_TTL = Duration.ofMinutes(30);

    Keys keys;
    CallStart starts;
    CallFinish finishes;
    ExecutionStore executions;
    SessionStore sessions;

    @BeforeEach
    void freshPrefix() {
        keys = new Keys(REDIS.newPrefix());
        starts = new CallStart(REDIS.sync(), keys, Duration.ofMinutes(5), Duration.ofDays(1), Clock.systemUTC());
        finishes = new CallFinish(REDIS.sync(), keys, Duration.ofMinutes(10), 2_000, Clock.systemUTC());
        executions = new ExecutionStore(REDIS.sync(), keys, Duration.ofMinutes(5), Clock.systemUTC());
        sessions = new SessionStore(REDIS.sync(), keys);
    }

    @Test
    void finishingWritesTheSessionReleasesTheLeaseAndKeepsTheReplyInTheFinalRecord() {
        LockLease lease = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        ToolReply reply = ToolReply.result("r1", JsonBytes.of("{\"pong\":true,\"n\":3}"), "w1");

        SessionWrite write = finishes.finish(new CallFinish.Finish(lease, "r1", ExecutionState.SUCCEEDED, "",
                Map.of("lastTool", "ping"), SESSION_TTL, "w1", reply));

        assertThat(write.succeeded()).isTrue();
        assertThat(write.version()).isEqualTo(1);
        Session session = sessions.getSession("s").orElseThrow();
        assertThat(session.version()).isEqualTo(1);
        assertThat(session.fence()).isEqualTo(lease.fence());
        assertThat(session.attributes()).containsEntry("lastTool", "ping");
        assertThat(REDIS.sync().pttl(keys.session("s"))).isBetween(SESSION_TTL.toMillis() - 5_000, SESSION_TTL.toMillis());
        assertThat(REDIS.sync().exists(keys.lock("s"))).as("lease released").isZero();
        ExecutionRecord record = executions.find("s", "r1").orElseThrow();
        assertThat(record.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(record.previous()).isEqualTo(ExecutionState.RUNNING);
        assertThat(finishes.keptReply("s", "r1")).contains(reply);
        assertThat(REDIS.sync().pttl(keys.execution("s", "r1"))).isBetween(1L, 600_000L);

        // the next call of the session starts at once, with the next fence, and its finish bumps the version
        LockLease next = starts.tryStart("s", "r2", 1, "w2", LEASE).orElseThrow().lease().orElseThrow();
        assertThat(next.fence()).isEqualTo(lease.fence() + 1);
        assertThat(finishes.finish(new CallFinish.Finish(next, "r2", ExecutionState.FAILED, "bad", Map.of(),
                SESSION_TTL, "w2", ToolReply.error("r2", ErrorCode.BAD_ARGUMENTS, "bad", "w2"))).version()).isEqualTo(2);
        assertThat(executions.find("s", "r2").orElseThrow().state()).isEqualTo(ExecutionState.FAILED);
    }

    @Test
    void aStaleFenceWritesNothingAndLeavesTheNewHoldersLeaseAlone() {
        LockLease stale = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        REDIS.sync().del(keys.lock("s")); // the lease ran out while w1 was stopped
        LockLease current = starts.tryStart("s", "r1", 2, "w2", LEASE).orElseThrow().lease().orElseThrow();

        SessionWrite write = finishes.finish(new CallFinish.Finish(stale, "r1", ExecutionState.SUCCEEDED, "",
                Map.of("lastTool", "x"), SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1")));

        assertThat(write.refusal()).contains(ScriptError.STALE_FENCE);
        assertThat(sessions.getSession("s")).isEmpty();
        assertThat(REDIS.sync().get(keys.lock("s"))).isEqualTo(current.token());
        assertThat(executions.find("s", "r1").orElseThrow().state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(finishes.keptReply("s", "r1")).isEmpty();
    }

    @Test
    void aLeaseThatRanOutWithNoNewerHolderStillWritesUnderItsFence() {
        LockLease lapsed = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        REDIS.sync().del(keys.lock("s")); // the lease ran out, and nobody took the session since

        SessionWrite write = finishes.finish(new CallFinish.Finish(lapsed, "r1", ExecutionState.SUCCEEDED, "",
                Map.of("lastTool", "x"), SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1")));

        assertThat(write.version()).isEqualTo(1);
        assertThat(sessions.getSession("s").orElseThrow().fence()).isEqualTo(lapsed.fence());
        assertThat(REDIS.sync().exists(keys.lock("s"))).as("no lease created").isZero();
        assertThat(executions.find("s", "r1").orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
    }

    /** The fence now expires (issue 13): a holder whose lease and fence key are both gone stalled too long. */
    @Test
    void aLapsedLeaseWhoseFenceExpiredIsStaleAndTheFinishRefreshesTheFence() {
        LockLease lapsed = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        REDIS.sync().del(keys.lock("s"), keys.fence("s")); // a session lifetime passed with w1 stopped

        assertThat(finishes.finish(new CallFinish.Finish(lapsed, "r1", ExecutionState.SUCCEEDED, "",
                Map.of("by", "w1"), SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1"))).refusal())
                .contains(ScriptError.STALE_FENCE);
        assertThat(sessions.getSession("s")).isEmpty();

        LockLease held = starts.tryStart("s", "r2", 1, "w2", LEASE).orElseThrow().lease().orElseThrow();
        finishes.finish(new CallFinish.Finish(held, "r2", ExecutionState.SUCCEEDED, "", Map.of(), SESSION_TTL, "w2",
                ToolReply.result("r2", JsonBytes.of("{}"), "w2")));
        assertThat(REDIS.sync().pttl(keys.fence("s"))).as("the fence lives as long as the session")
                .isBetween(SESSION_TTL.toMillis() - 5_000, SESSION_TTL.toMillis());
    }

    @Test
    void aFenceBelowTheOneThatLastWroteIsStaleEvenWithNoLeaseHeld() {
        LockLease old = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        REDIS.sync().del(keys.lock("s"));
        LockLease newer = starts.tryStart("s", "r2", 1, "w2", LEASE).orElseThrow().lease().orElseThrow();
        finishes.finish(new CallFinish.Finish(newer, "r2", ExecutionState.SUCCEEDED, "", Map.of("by", "w2"),
                SESSION_TTL, "w2", ToolReply.result("r2", JsonBytes.of("{}"), "w2")));

        assertThat(finishes.finish(new CallFinish.Finish(old, "r1", ExecutionState.SUCCEEDED, "", Map.of("by", "w1"),
                SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1"))).refusal()).contains(ScriptError.STALE_FENCE);
        assertThat(sessions.getSession("s").orElseThrow().attributes()).containsEntry("by", "w2");
    }

    @Test
    void theScriptIsLoadedAgainAfterAFlush() {
        LockLease lease = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        REDIS.sync().scriptFlush();
        assertThat(finishes.finish(new CallFinish.Finish(lease, "r1", ExecutionState.SUCCEEDED, "", Map.of(),
                SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1"))).version()).isEqualTo(1);
    }

    @Test
    void aReplyOverTheLimitIsNotKeptButTheCallStillFinishes() {
        LockLease lease = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        ToolReply large = ToolReply.result("r1", JsonBytes.of("{\"text\":\"" + "x".repeat(5_000) + "\"}"), "w1");

        assertThat(finishes.finish(new CallFinish.Finish(lease, "r1", ExecutionState.SUCCEEDED, "", Map.of(),
                SESSION_TTL, "w1", large)).succeeded()).isTrue();

        assertThat(executions.find("s", "r1").orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(finishes.keptReply("s", "r1")).isEmpty();
    }

    @Test
    void onlyAFinalStateFinishesACall() {
        LockLease lease = starts.tryStart("s", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new CallFinish.Finish(
                lease, "r1", ExecutionState.QUEUED, "", Map.of(), SESSION_TTL, "w1", ToolReply.result("r1", JsonBytes.of("{}"), "w1")));
    }

    @Test
    void startsAndFinishesPipelinedOnOneConnectionAreOneRoundTripEach() throws Exception {
        try (io.mcpca.shared.redis.RedisConnections redis = new io.mcpca.shared.redis.RedisConnections(REDIS.uri());
             io.mcpca.shared.redis.RedisConnection<String, String> pipeline = redis.strings()) {
            pipeline.setAutoFlushCommands(false);
            java.util.List<CallStart.PendingStart> pending = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(starts.tryStartAsync(pipeline.async(), "s" + (i % 10), "r" + i, 1, "w1", LEASE));
            }
            pipeline.flushCommands();
            java.util.List<LockLease> leases = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                java.util.Optional<CallStart.Started> started = pending.get(i).result(Duration.ofSeconds(5));
                if (i < 10) {
                    leases.add(started.orElseThrow().lease().orElseThrow());
                } else {
                    assertThat(started).as("the session's lease is taken by call " + (i - 10)).isEmpty();
                }
            }
            java.util.List<io.lettuce.core.RedisFuture<Long>> finished = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                finished.add(finishes.finishAsync(pipeline.async(), new CallFinish.Finish(leases.get(i), "r" + i,
                        ExecutionState.SUCCEEDED, "", Map.of("n", Integer.toString(i)), SESSION_TTL, "w1",
                        ToolReply.result("r" + i, JsonBytes.of("{\"i\":" + i + "}"), "w1"))));
            }
            pipeline.flushCommands();
            for (int i = 0; i < 10; i++) {
                assertThat(CallFinish.outcome(finished.get(i).get(5, java.util.concurrent.TimeUnit.SECONDS)).version())
                        .isEqualTo(1);
                assertThat(sessions.getSession("s" + i).orElseThrow().attributes()).containsEntry("n", Integer.toString(i));
                assertThat(REDIS.sync().exists(keys.lock("s" + i))).isZero();
                assertThat(finishes.keptReply("s" + i, "r" + i)).contains(ToolReply.result("r" + i, JsonBytes.of("{\"i\":" + i + "}"), "w1"));
            }
        }
    }

    /** The session's history is a ring: the newest Session.HISTORY_MAX calls stay, with counts of every call. */
    @Test
    void theHistoryKeepsTheNewestCallsAndCountsEveryOutcome() {
        int calls = Session.HISTORY_MAX + 3;
        for (int i = 1; i <= calls; i++) {
            LockLease lease = starts.tryStart("h", "r" + i, 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
            ExecutionState state = i % 10 == 0 ? ExecutionState.FAILED : ExecutionState.SUCCEEDED;
            ToolReply reply = state == ExecutionState.FAILED
                    ? ToolReply.error("r" + i, ErrorCode.BAD_ARGUMENTS, "no", "w1")
                    : ToolReply.result("r" + i, JsonBytes.of("{}"), "w1");
            finishes.finish(new CallFinish.Finish(lease, "r" + i, state, "", Map.of(), SESSION_TTL, "w1", reply,
                    java.util.Optional.of(new CallFinish.History("ping", "d" + i,
                            state == ExecutionState.FAILED ? "BAD_ARGUMENTS" : "", 1_000L + i))));
        }
        Map<String, String> hash = REDIS.sync().hgetall(keys.session("h"));
        java.util.List<String> entries = hash.entrySet().stream().filter(e -> e.getKey().startsWith(Session.HISTORY_FIELD))
                .map(Map.Entry::getValue).toList();
        assertThat(entries).hasSize(Session.HISTORY_MAX);
        assertThat(entries).noneMatch(e -> e.startsWith("1 ") || e.startsWith("2 ") || e.startsWith("3 "));
        assertThat(hash.get(Session.HISTORY_FIELD + (calls % Session.HISTORY_MAX)))
                .startsWith(calls + " ").contains("\"requestId\":\"r" + calls + "\"").contains("\"tool\":\"ping\"")
                .contains("\"argumentsDigest\":\"d" + calls + "\"").contains("\"queuedAtMs\":" + (1_000L + calls));
        assertThat(hash.get(Session.HISTORY_FIELD + (100 % Session.HISTORY_MAX)))
                .startsWith("100 ").contains("\"state\":\"FAILED\"").contains("\"errorCode\":\"BAD_ARGUMENTS\"");
        assertThat(hash).containsEntry(Session.COUNT_FIELD + "SUCCEEDED", Integer.toString(calls - calls / 10))
                .containsEntry(Session.COUNT_FIELD + "FAILED", Integer.toString(calls / 10));
    }

    /** A session created with a longer lifetime keeps it across a call, and its fence lives as long. */
    @Test
    void aCallNeverShortensALongerSessionLifetime() {
        REDIS.sync().hset(keys.session("long"), "_schema", "1");
        REDIS.sync().pexpire(keys.session("long"), Duration.ofDays(7).toMillis());
        LockLease lease = starts.tryStart("long", "r1", 1, "w1", LEASE).orElseThrow().lease().orElseThrow();
        finishes.finish(new CallFinish.Finish(lease, "r1", ExecutionState.SUCCEEDED, "", Map.of(), SESSION_TTL, "w1",
                ToolReply.result("r1", JsonBytes.of("{}"), "w1")));
        assertThat(REDIS.sync().pttl(keys.session("long"))).isGreaterThan(Duration.ofDays(6).toMillis());
        assertThat(REDIS.sync().pttl(keys.fence("long"))).isGreaterThan(Duration.ofDays(6).toMillis());
    }
}
