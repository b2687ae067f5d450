package io.mcpca.shared.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session store's read and admin operations on a real Redis (each test its own key prefix), over sessions
 * written the one way there is: a call's start and finish ({@link CallStart}, {@link CallFinish}).
 */
class SessionStoreIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");

    Keys keys;
    SessionStore store;
    CallStart starts;
    CallFinish finishes;

    @BeforeEach
    void freshPrefix() {
        keys = new Keys(REDIS.newPrefix());
        store = new SessionStore(REDIS.sync(), keys);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        starts = new CallStart(REDIS.sync(), keys, Duration.ofMinutes(5), Duration.ofDays(1), clock);
        finishes = new CallFinish(REDIS.sync(), keys, Duration.ofMinutes(5), 10_000, clock);
    }

    /** Runs one call of the session through start and finish, writing {@code attributes}; returns its lease. */
    private LockLease call(String sessionId, Map<String, String> attributes, Duration sessionTtl) {
        String requestId = UUID.randomUUID().toString();
        LockLease lease = starts.tryStart(sessionId, requestId, 1, "w", Duration.ofSeconds(5)).orElseThrow()
                .lease().orElseThrow();
        assertThat(finishes.finish(new CallFinish.Finish(lease, requestId, ExecutionState.SUCCEEDED, "", attributes,
                sessionTtl, "w", ToolReply.result(requestId, JsonBytes.of("{}"), "w"))).succeeded()).isTrue();
        return lease;
    }

    @Test
    void aMissingSessionIsEmpty() {
        assertThat(store.getSession("nope")).isEmpty();
        assertThat(store.getSessionTtl("nope")).isEmpty();
        assertThat(store.extendSessionTtl("nope", TTL)).isFalse();
        assertThat(store.clearSession("nope")).isFalse();
        assertThat(store.getSessions()).isEmpty();
    }

    @Test
    void readsWhatACallsFinishWroteAndEachCallRaisesTheVersionByOne() {
        LockLease first = call("s1", Map.of("lang", "java"), TTL);
        Session session = store.getSession("s1").orElseThrow();
        assertThat(session.version()).isEqualTo(1);
        assertThat(session.schema()).isEqualTo(Session.SCHEMA);
        assertThat(session.fence()).isEqualTo(first.fence());
        assertThat(session.updatedAtMs()).isEqualTo(NOW.toEpochMilli());
        assertThat(session.attributes()).containsExactly(Map.entry("lang", "java"));

        LockLease second = call("s1", Map.of("tool", "ping"), TTL);
        session = store.getSession("s1").orElseThrow();
        assertThat(session.version()).isEqualTo(2);
        assertThat(session.fence()).isEqualTo(second.fence()).isGreaterThan(first.fence());
        assertThat(session.attributes()).as("merged").containsEntry("lang", "java").containsEntry("tool", "ping");
    }

    @Test
    void aRecordOfAnUnknownLayoutIsRefused() {
        call("s2", Map.of(), TTL);
        REDIS.sync().hset(keys.session("s2"), "_schema", "99");
        assertThatThrownBy(() -> store.getSession("s2")).hasMessageContaining("layout 99");
    }

    @Test
    void ttlCanBeReadAndExtendedAndAnExpiredSessionIsGone() throws InterruptedException {
        call("s3", Map.of(), Duration.ofSeconds(5));
        assertThat(store.getSessionTtl("s3").orElseThrow()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(5));
        assertThat(store.extendSessionTtl("s3", Duration.ofSeconds(60))).isTrue();
        assertThat(store.getSessionTtl("s3").orElseThrow()).isGreaterThan(Duration.ofSeconds(50));
        REDIS.sync().persist(keys.session("s3"));
        assertThat(store.getSessionTtl("s3")).as("no expiry reads as forever").contains(ChronoUnit.FOREVER.getDuration());

        call("s4", Map.of(), Duration.ofMillis(80));
        Thread.sleep(200);
        assertThat(store.getSession("s4")).isEmpty();
        assertThat(store.getSessions()).doesNotContain("s4");
    }

    @Test
    void getSessionsListsEveryLiveSessionAcrossScanPagesAndClearRemovesOne() {
        for (int i = 0; i < 1200; i++) {
            call("many-" + i, Map.of(), TTL);
        }
        call("with{braces}", Map.of(), TTL);
        assertThat(store.getSessions()).hasSize(1201).contains("many-0", "many-1199", "with{braces}");
        assertThat(store.clearSession("many-7")).isTrue();
        assertThat(store.clearSession("many-7")).isFalse();
        assertThat(store.getSessions()).hasSize(1200).doesNotContain("many-7");
        assertThat(store.getSession("many-7")).isEmpty();
    }

    @Test
    void aClearedSessionIsWrittenAnewByItsNextCall() {
        call("s5", Map.of("a", "1"), TTL);
        call("s5", Map.of(), TTL);
        assertThat(store.clearSession("s5")).isTrue();
        LockLease next = call("s5", Map.of("b", "2"), TTL);
        Session session = store.getSession("s5").orElseThrow();
        assertThat(session.version()).isEqualTo(1);
        assertThat(session.fence()).as("the fence counter outlives the record").isEqualTo(next.fence()).isEqualTo(3);
        assertThat(session.attributes()).containsExactly(Map.entry("b", "2"));
    }
}
