package io.mcpca.shared.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A script refused with TRYAGAIN (a cluster slot being migrated with its keys split between two masters) is run
 * again until it goes through, for a bounded time, and then refused with a message saying why; other failures are
 * not retried. ClusterReshardIT shows it on a real resharding.
 */
class LuaScriptTryAgainTest {

    private static final LuaScript SCRIPT = LuaScript.load("extendLock-1.lua");
    private static final String TRYAGAIN = "TRYAGAIN Multiple keys request during rehashing of slot";

    /** A Redis whose EVALSHA fails with {@code error} the first {@code failures} times, then answers 7. */
    @SuppressWarnings("unchecked")
    private static RedisScriptingCommands<String, String> redis(AtomicInteger calls, int failures, String error) {
        return (RedisScriptingCommands<String, String>) Proxy.newProxyInstance(
                LuaScriptTryAgainTest.class.getClassLoader(),
                new Class<?>[] {RedisScriptingCommands.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("evalsha")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (calls.incrementAndGet() <= failures) {
                        throw new RedisCommandExecutionException(error);
                    }
                    return 7L;
                });
    }

    @Test
    void aScriptRefusedWithTryAgainRunsAgainUntilItGoesThrough() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(SCRIPT.runForLong(redis(calls, 3, TRYAGAIN), new String[] {"k"}, "a")).isEqualTo(7);
        assertThat(calls).hasValue(4);
    }

    @Test
    void aSlotThatStaysSplitEndsTheRetriesWithAClearError() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> SCRIPT.runForLong(redis(calls, Integer.MAX_VALUE, TRYAGAIN), new String[] {"k"}, "a"))
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageContaining("extendLock-1: its keys' cluster slot was still being migrated after 2000 ms");
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> SCRIPT.runForLong(redis(calls, 1, "ERR boom"), new String[] {"k"}, "a"))
                .hasMessage("ERR boom");
        assertThat(calls).hasValue(1);
    }

    @Test
    void anAsynchronousRunIsWorthRunningAgainAfterNoScriptOrTryAgainOnly() {
        assertThat(LuaScript.worthRunningAgain(new RedisNoScriptException("NOSCRIPT"))).isTrue();
        assertThat(LuaScript.worthRunningAgain(new RedisCommandExecutionException(TRYAGAIN))).isTrue();
        assertThat(LuaScript.worthRunningAgain(new RedisCommandExecutionException("ERR boom"))).isFalse();
        assertThat(LuaScript.worthRunningAgain(new IllegalStateException("TRYAGAIN"))).isFalse();
    }
}
