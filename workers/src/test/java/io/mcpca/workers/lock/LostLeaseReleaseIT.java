package io.mcpca.workers.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watchdog releases a lease whose finish Redis did not take by its token once Redis takes writes again (here: the server
 * restarted and the lease key set again, as a promoted replica would hold it), and only its own lease.
 */
class LostLeaseReleaseIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aLostLeaseIsReleasedOnceRedisIsBackAndTheSessionsWaitersAreTold() throws Exception {
        Keys keys = new Keys(REDIS.newPrefix());
        LockLease lease = new LockLease("s1", "token-1", 7);
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<String, String> strings = redis.strings();
             LockWatchdog lost = new LockWatchdog(new SessionLock(strings.sync(), keys), Duration.ofSeconds(30))) {
            REDIS.kill();
            CountDownLatch told = new CountDownLatch(1);
            lost.releaseLost(lease, told::countDown);
            Thread.sleep(LockWatchdog.RELEASE_RETRY.toMillis() * 3); // attempts fail while Redis is down
            REDIS.restart();
            // the lease as a promoted replica would hold it, set on a fresh connection at once: the releaser's own
            // connection is still backing off (its reconnect delay has grown to ~1 s by now)
            try (RedisConnections fresh = new RedisConnections(REDIS.uri());
                 RedisConnection<String, String> side = fresh.strings()) {
                side.sync().set(keys.lock("s1"), "token-1");
            }
            assertThat(told.await(10, TimeUnit.SECONDS)).as("the waiters were told").isTrue();
            assertThat(strings.sync().exists(keys.lock("s1"))).isZero();
        }
    }

    @Test
    void aLeaseSomeoneElseHoldsNowIsLeftAlone() throws Exception {
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<String, String> strings = redis.strings();
             LockWatchdog lost = new LockWatchdog(new SessionLock(strings.sync(), keys), Duration.ofSeconds(30))) {
            strings.sync().set(keys.lock("s2"), "another-token");
            CountDownLatch told = new CountDownLatch(1);
            lost.releaseLost(new LockLease("s2", "token-1", 7), told::countDown);
            assertThat(told.await(LockWatchdog.RELEASE_RETRY.toMillis() * 4, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(strings.sync().get(keys.lock("s2"))).isEqualTo("another-token");
        }
    }
}
