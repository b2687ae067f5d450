package io.mcpca.workers.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watchdog keeps a lease alive past its TTL while watched, and lets it lapse once the handle closes. */
class LockWatchdogIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aWatchedLeaseOutlivesItsTtlAndLapsesAfterwards() throws Exception {
        // long enough that a tick delayed by a loaded CI box (two cores, cargo beside us) still comes in time
        Duration ttl = Duration.ofMillis(900);
        Keys keys = new Keys(REDIS.newPrefix());
        try (RedisConnections redis = new RedisConnections(REDIS.uri());
             RedisConnection<String, String> strings = redis.strings()) {
            SessionLock lock = new SessionLock(strings.sync(), keys);
            CallStart starts = new CallStart(strings.sync(), keys, Duration.ofMinutes(1), Duration.ofDays(1), Clock.systemUTC());
            try (LockWatchdog watchdog = new LockWatchdog(lock, ttl)) {
                LockLease lease = starts.tryStart("s", "r1", 1, "w", ttl).orElseThrow().lease().orElseThrow();
                try (AutoCloseable watched = watchdog.watch(lease)) {
                    Thread.sleep(ttl.toMillis() * 3);
                    assertThat(strings.sync().get(keys.lock("s"))).isEqualTo(lease.token());
                    assertThat(starts.tryStart("s", "r2", 1, "w", ttl)).as("the session stays busy").isEmpty();
                }
                Thread.sleep(ttl.toMillis() * 2 + 200);
                assertThat(strings.sync().exists(keys.lock("s"))).isZero();
                assertThat(starts.tryStart("s", "r2", 1, "w", ttl)).isPresent();
            }
        }
    }
}
