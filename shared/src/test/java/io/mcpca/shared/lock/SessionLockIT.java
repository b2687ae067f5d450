package io.mcpca.shared.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The three lock scripts against a real Redis, including the mismatch and missing cases. */
class SessionLockIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private RedisConnections connections;
    private StatefulRedisConnection<String, String> connection;
    private Keys keys;
    private SessionLock lock;

    @BeforeEach
    void connect() {
        connections = new RedisConnections(REDIS.uri());
        connection = connections.strings();
        keys = new Keys(REDIS.newPrefix());
        lock = new SessionLock(connection.sync(), keys);
    }

    @AfterEach
    void disconnect() {
        connection.close();
        connections.close();
    }

    @Test
    void acquireSetsTheTokenWithTtlAndHandsOutIncreasingFences() {
        LockLease first = lock.tryAcquire("s1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(connection.sync().get(keys.lock("s1"))).isEqualTo(first.token());
        assertThat(connection.sync().pttl(keys.lock("s1"))).isBetween(1L, 5000L);
        assertThat(lock.release(first)).isEmpty();

        LockLease second = lock.tryAcquire("s1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(second.fence()).isEqualTo(first.fence() + 1);
        assertThat(second.token()).isNotEqualTo(first.token());
    }

    @Test
    void aHeldLockCannotBeTakenAgain() {
        assertThat(lock.tryAcquire("s2", Duration.ofSeconds(5))).isPresent();
        assertThat(lock.tryAcquire("s2", Duration.ofSeconds(5))).isEmpty();
        assertThat(lock.tryAcquire("other-session", Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void releaseWithTheRightTokenDeletesTheLock() {
        LockLease lease = lock.tryAcquire("s3", Duration.ofSeconds(5)).orElseThrow();
        assertThat(lock.release(lease)).isEmpty();
        assertThat(connection.sync().exists(keys.lock("s3"))).isZero();
    }

    @Test
    void releaseWithAWrongTokenIsRefusedAndKeepsTheLock() {
        LockLease lease = lock.tryAcquire("s4", Duration.ofSeconds(5)).orElseThrow();
        LockLease forged = new LockLease("s4", "not-the-token", lease.fence());
        assertThat(lock.release(forged)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(connection.sync().get(keys.lock("s4"))).isEqualTo(lease.token());
    }

    @Test
    void releaseOfAnExpiredLockReportsNoLock() throws InterruptedException {
        LockLease lease = lock.tryAcquire("s5", Duration.ofMillis(50)).orElseThrow();
        Thread.sleep(120);
        assertThat(connection.sync().exists(keys.lock("s5"))).isZero();
        assertThat(lock.release(lease)).contains(ScriptError.NO_LOCK);
    }

    @Test
    void anExpiredLockCanBeTakenByTheNextHolderAndTheOldHolderCannotReleaseIt() throws InterruptedException {
        LockLease stale = lock.tryAcquire("s6", Duration.ofMillis(50)).orElseThrow();
        Thread.sleep(120);
        LockLease fresh = lock.tryAcquire("s6", Duration.ofSeconds(5)).orElseThrow();
        assertThat(fresh.fence()).isGreaterThan(stale.fence());
        assertThat(lock.release(stale)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(connection.sync().get(keys.lock("s6"))).isEqualTo(fresh.token());
    }

    @Test
    void extendRenewsOnlyForTheHolder() {
        LockLease lease = lock.tryAcquire("s7", Duration.ofMillis(300)).orElseThrow();
        assertThat(lock.extend(lease, Duration.ofSeconds(10))).isEmpty();
        assertThat(connection.sync().pttl(keys.lock("s7"))).isGreaterThan(5000L);
        assertThat(lock.extend(new LockLease("s7", "wrong", 0), Duration.ofSeconds(10)))
                .contains(ScriptError.HELD_BY_OTHER);
        lock.release(lease);
        assertThat(lock.extend(lease, Duration.ofSeconds(10))).contains(ScriptError.NO_LOCK);
    }

    @Test
    void scriptsAreReloadedAfterTheServerForgetsThem() {
        connection.sync().scriptFlush();
        Optional<LockLease> lease = lock.tryAcquire("s8", Duration.ofSeconds(5));
        assertThat(lease).isPresent();
    }
}
