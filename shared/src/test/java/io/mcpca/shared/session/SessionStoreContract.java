package io.mcpca.shared.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one contract of {@link SessionStore}, run against every implementation (Redis and local) by
 * subclasses that supply a fresh, empty store per test.
 */
abstract class SessionStoreContract {

    static final Duration TTL = Duration.ofSeconds(30);

    /** A fresh store that sees no other test's sessions. */
    abstract SessionStore store();

    @Test
    void createIfNotExistsCreatesOnceAtVersionOne() {
        SessionStore store = store();
        assertThat(store.createSessionIfNotExists("s1", Map.of("lang", "java"), TTL)).isTrue();
        assertThat(store.createSessionIfNotExists("s1", Map.of("lang", "go"), TTL)).isFalse();
        Session session = store.getSession("s1").orElseThrow();
        assertThat(session.version()).isEqualTo(1);
        assertThat(session.schema()).isEqualTo(Session.SCHEMA);
        assertThat(session.attributes()).containsExactly(Map.entry("lang", "java"));
    }

    @Test
    void aMissingSessionIsEmpty() {
        SessionStore store = store();
        assertThat(store.getSession("nope")).isEmpty();
        assertThat(store.getSessionTtl("nope")).isEmpty();
        assertThat(store.extendSessionTtl("nope", TTL)).isFalse();
        assertThat(store.clearSession("nope")).isFalse();
    }

    @Test
    void setSessionReplacesTheAttributesAndRaisesTheVersion() {
        SessionStore store = store();
        assertThat(store.setSession("s2", Map.of("a", "1", "b", "2"), TTL)).isEqualTo(1);
        assertThat(store.setSession("s2", Map.of("c", "3"), TTL)).isEqualTo(2);
        Session session = store.getSession("s2").orElseThrow();
        assertThat(session.attributes()).containsExactly(Map.entry("c", "3"));
        assertThat(session.version()).isEqualTo(2);
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedVersion() {
        SessionStore store = store();
        store.createSessionIfNotExists("s3", Map.of("a", "1"), TTL);
        SessionWrite first = store.compareAndSet("s3", 1, SessionStore.UNFENCED, Map.of("b", "2"), TTL);
        assertThat(first.succeeded()).isTrue();
        assertThat(first.version()).isEqualTo(2);
        SessionWrite lost = store.compareAndSet("s3", 1, SessionStore.UNFENCED, Map.of("b", "lost"), TTL);
        assertThat(lost.refusal()).contains(ScriptError.VERSION_MISMATCH);
        assertThat(store.compareAndSet("s3", SessionStore.ANY_VERSION, SessionStore.UNFENCED, Map.of(), TTL).version())
                .isEqualTo(3);
        assertThat(store.getSession("s3").orElseThrow().attributes()).containsEntry("a", "1").containsEntry("b", "2");
    }

    @Test
    void compareAndSetAtVersionZeroCreatesAMissingSession() {
        SessionStore store = store();
        assertThat(store.compareAndSet("s4", 0, SessionStore.UNFENCED, Map.of("x", "y"), TTL).version()).isEqualTo(1);
        assertThat(store.compareAndSet("s4", 0, SessionStore.UNFENCED, Map.of("x", "z"), TTL).refusal())
                .contains(ScriptError.VERSION_MISMATCH);
    }

    @Test
    void aWriteUnderAStaleFenceIsRefusedOnceANewerLeaseExists() {
        SessionStore store = store();
        LockLease old = store.tryAcquireLock("s5", TTL).orElseThrow();
        assertThat(store.compareAndSet("s5", SessionStore.ANY_VERSION, old.fence(), Map.of("by", "old"), TTL)
                .succeeded()).isTrue();
        assertThat(store.releaseLock(old)).isEmpty();
        LockLease fresh = store.tryAcquireLock("s5", TTL).orElseThrow();
        assertThat(fresh.fence()).isGreaterThan(old.fence());

        SessionWrite stale = store.compareAndSet("s5", SessionStore.ANY_VERSION, old.fence(), Map.of("by", "old"), TTL);
        assertThat(stale.refusal()).contains(ScriptError.STALE_FENCE);
        SessionWrite current = store.compareAndSet("s5", SessionStore.ANY_VERSION, fresh.fence(), Map.of("by", "new"), TTL);
        assertThat(current.succeeded()).isTrue();
        Session session = store.getSession("s5").orElseThrow();
        assertThat(session.fence()).isEqualTo(fresh.fence());
        assertThat(session.attributes()).containsEntry("by", "new");
        assertThat(session.version()).isEqualTo(2);
    }

    @Test
    void aStaleFenceIsRefusedEvenAtTheRightVersion() {
        SessionStore store = store();
        LockLease old = store.tryAcquireLock("s6", Duration.ofMillis(50)).orElseThrow();
        sleep(120);
        LockLease fresh = store.tryAcquireLock("s6", TTL).orElseThrow();
        assertThat(store.compareAndSet("s6", 0, old.fence(), Map.of(), TTL).refusal()).contains(ScriptError.STALE_FENCE);
        assertThat(store.getSession("s6")).isEmpty();
        assertThat(store.compareAndSet("s6", 0, fresh.fence(), Map.of(), TTL).version()).isEqualTo(1);
    }

    @Test
    void aHeldLockCannotBeTakenAndOnlyItsHolderReleasesOrExtendsIt() {
        SessionStore store = store();
        LockLease lease = store.tryAcquireLock("s7", TTL).orElseThrow();
        assertThat(store.tryAcquireLock("s7", TTL)).isEmpty();
        assertThat(store.tryAcquireLock("other", TTL)).isPresent();
        LockLease forged = new LockLease("s7", "forged", lease.fence());
        assertThat(store.releaseLock(forged)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(store.extendLock(forged, TTL)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(store.extendLock(lease, TTL)).isEmpty();
        assertThat(store.releaseLock(lease)).isEmpty();
        assertThat(store.releaseLock(lease)).contains(ScriptError.NO_LOCK);
        assertThat(store.extendLock(lease, TTL)).contains(ScriptError.NO_LOCK);
    }

    @Test
    void anExpiredLeaseIsFreeAndExtendKeepsItAlive() {
        SessionStore store = store();
        LockLease shortLease = store.tryAcquireLock("s8", Duration.ofMillis(150)).orElseThrow();
        for (int i = 0; i < 4; i++) {
            sleep(60);
            assertThat(store.extendLock(shortLease, Duration.ofMillis(150))).isEmpty();
        }
        assertThat(store.tryAcquireLock("s8", TTL)).isEmpty();
        sleep(250);
        assertThat(store.releaseLock(shortLease)).contains(ScriptError.NO_LOCK);
        assertThat(store.tryAcquireLock("s8", TTL)).isPresent();
    }

    @Test
    void acquireLockWaitsForTheHolderAndGivesUpAfterItsTimeout() throws Exception {
        SessionStore store = store();
        LockLease held = store.tryAcquireLock("s9", TTL).orElseThrow();
        assertThat(store.acquireLock("s9", TTL, Duration.ofMillis(100))).isEmpty();
        CompletableFuture<Optional<LockLease>> waiter = CompletableFuture.supplyAsync(
                () -> store.acquireLock("s9", TTL, Duration.ofSeconds(10)));
        sleep(100);
        assertThat(waiter).isNotDone();
        store.releaseLock(held);
        Optional<LockLease> taken = waiter.get(10, TimeUnit.SECONDS);
        assertThat(taken).isPresent();
        assertThat(taken.get().fence()).isGreaterThan(held.fence());
    }

    @Test
    void ttlCanBeReadAndExtendedAndAnExpiredSessionIsGone() {
        SessionStore store = store();
        store.createSessionIfNotExists("s10", Map.of(), Duration.ofSeconds(5));
        assertThat(store.getSessionTtl("s10").orElseThrow()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(5));
        assertThat(store.extendSessionTtl("s10", Duration.ofSeconds(60))).isTrue();
        assertThat(store.getSessionTtl("s10").orElseThrow()).isGreaterThan(Duration.ofSeconds(50));

        store.createSessionIfNotExists("s11", Map.of(), Duration.ofMillis(80));
        sleep(200);
        assertThat(store.getSession("s11")).isEmpty();
        assertThat(store.getSessions()).doesNotContain("s11");
    }

    @Test
    void getSessionsListsEveryLiveSessionAndClearRemovesOne() {
        SessionStore store = store();
        for (int i = 0; i < 1200; i++) {
            store.createSessionIfNotExists("many-" + i, Map.of(), TTL);
        }
        store.setSession("with{braces}", Map.of(), TTL);
        assertThat(store.getSessions()).hasSize(1201).contains("many-0", "many-1199", "with{braces}");
        assertThat(store.clearSession("many-7")).isTrue();
        assertThat(store.getSessions()).hasSize(1200).doesNotContain("many-7");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
