package io.mcpca.shared.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The session store contract on a real Redis (each test its own key prefix), plus Redis-only cases. */
class RedisSessionStoreIT extends SessionStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    Keys keys;

    @Override
    SessionStore store() {
        keys = new Keys(REDIS.newPrefix());
        Clock clock = Clock.systemUTC();
        return new RedisSessionStore(REDIS.sync(), keys, clock, ContentionBackoff.standard(clock));
    }

    @Test
    void theRecordIsAHashInTheSessionsSlotWithItsVersionAndFence() {
        SessionStore store = store();
        long fence = store.tryAcquireLock("h1", TTL).orElseThrow().fence();
        store.compareAndSet("h1", 0, fence, Map.of("k", "v"), TTL);
        Map<String, String> hash = REDIS.sync().hgetall(keys.session("h1"));
        assertThat(hash).containsEntry("_version", "1").containsEntry("_fence", Long.toString(fence))
                .containsEntry("_schema", "1").containsEntry("a:k", "v");
        assertThat(REDIS.sync().pttl(keys.session("h1"))).isPositive();
    }

    @Test
    void aRecordOfAnUnknownLayoutIsRefused() {
        SessionStore store = store();
        store.setSession("h2", Map.of(), TTL);
        REDIS.sync().hset(keys.session("h2"), "_schema", "99");
        assertThatThrownBy(() -> store.getSession("h2")).hasMessageContaining("layout 99");
    }

    @Test
    void scriptsAreReloadedAfterTheServerForgetsThem() {
        SessionStore store = store();
        REDIS.sync().scriptFlush();
        assertThat(store.createSessionIfNotExists("h3", Map.of(), TTL)).isTrue();
        REDIS.sync().scriptFlush();
        assertThat(store.compareAndSet("h3", 1, 0, Map.of(), TTL).version()).isEqualTo(2);
    }
}
