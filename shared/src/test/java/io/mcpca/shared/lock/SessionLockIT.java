package io.mcpca.shared.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.scripts.ScriptError;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * releaseLock-1.lua and extendLock-1.lua through {@link SessionLock} against a real Redis, on leases a call's
 * start took ({@link CallStart}, the only way to take one), including the mismatch and missing cases.
 */
class SessionLockIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private RedisConnections connections;
    private RedisConnection<String, String> connection;
    private Keys keys;
    private SessionLock lock;
    private CallStart starts;

    @BeforeEach
    void connect() {
        connections = new RedisConnections(REDIS.uri());
        connection = connections.strings();
        keys = new Keys(REDIS.newPrefix());
        lock = new SessionLock(connection.sync(), keys);
        starts = new CallStart(connection.sync(), keys, Duration.ofMinutes(1), Duration.ofDays(1), Clock.systemUTC());
    }

    @AfterEach
    void disconnect() {
        connection.close();
        connections.close();
    }

    private LockLease take(String sessionId, Duration ttl) {
        return starts.tryStart(sessionId, UUID.randomUUID().toString(), 1, "w", ttl).orElseThrow().lease()
                .orElseThrow();
    }

    @Test
    void releaseWithTheRightTokenDeletesTheLockAndFreesTheSession() {
        LockLease lease = take("s3", Duration.ofSeconds(5));
        assertThat(lock.release(lease)).isEmpty();
        assertThat(connection.sync().exists(keys.lock("s3"))).isZero();
        assertThat(take("s3", Duration.ofSeconds(5)).fence()).isEqualTo(lease.fence() + 1);
    }

    @Test
    void releaseWithAWrongTokenIsRefusedAndKeepsTheLock() {
        LockLease lease = take("s4", Duration.ofSeconds(5));
        LockLease forged = new LockLease("s4", "not-the-token", lease.fence());
        assertThat(lock.release(forged)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(connection.sync().get(keys.lock("s4"))).isEqualTo(lease.token());
    }

    @Test
    void releaseOfAnExpiredLockReportsNoLock() throws InterruptedException {
        LockLease lease = take("s5", Duration.ofMillis(50));
        Thread.sleep(120);
        assertThat(connection.sync().exists(keys.lock("s5"))).isZero();
        assertThat(lock.release(lease)).contains(ScriptError.NO_LOCK);
    }

    @Test
    void anExpiredLockCanBeTakenByTheNextHolderAndTheOldHolderCannotReleaseIt() throws InterruptedException {
        LockLease stale = take("s6", Duration.ofMillis(50));
        Thread.sleep(120);
        LockLease fresh = take("s6", Duration.ofSeconds(5));
        assertThat(fresh.fence()).isGreaterThan(stale.fence());
        assertThat(lock.release(stale)).contains(ScriptError.HELD_BY_OTHER);
        assertThat(lock.extend(stale, Duration.ofSeconds(5))).contains(ScriptError.HELD_BY_OTHER);
        assertThat(connection.sync().get(keys.lock("s6"))).isEqualTo(fresh.token());
    }

    @Test
    void extendRenewsOnlyForTheHolder() {
        LockLease lease = take("s7", Duration.ofMillis(300));
        assertThat(lock.extend(lease, Duration.ofSeconds(10))).isEmpty();
        assertThat(connection.sync().pttl(keys.lock("s7"))).isGreaterThan(5000L);
        assertThat(lock.extend(new LockLease("s7", "wrong", 0), Duration.ofSeconds(10)))
                .contains(ScriptError.HELD_BY_OTHER);
        assertThat(connection.sync().get(keys.lock("s7"))).isEqualTo(lease.token());
        lock.release(lease);
        assertThat(lock.extend(lease, Duration.ofSeconds(10))).contains(ScriptError.NO_LOCK);
        assertThat(connection.sync().exists(keys.lock("s7"))).as("a missing lock is not created").isZero();
    }

    @Test
    void scriptsAreReloadedAfterTheServerForgetsThem() {
        LockLease lease = take("s8", Duration.ofSeconds(5));
        connection.sync().scriptFlush();
        assertThat(lock.extend(lease, Duration.ofSeconds(5))).isEmpty();
        connection.sync().scriptFlush();
        assertThat(lock.release(lease)).isEmpty();
    }
}
