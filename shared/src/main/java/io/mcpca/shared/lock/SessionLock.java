package io.mcpca.shared.lock;

import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Duration;
import java.util.Optional;

/**
 * A held session lease's two other moves: compare-and-delete to release it ({@code releaseLock-1.lua}, when a
 * call ends without its finish, which releases it itself) and compare-and-extend to renew it
 * ({@code extendLock-1.lua}, the watchdog). Both are Lua scripts so each check-then-act is atomic on the server.
 * A lease is taken only with its call's start ({@link io.mcpca.shared.exec.CallStart}).
 */
public final class SessionLock {

    private static final LuaScript RELEASE = LuaScript.load("releaseLock-1.lua");
    private static final LuaScript EXTEND = LuaScript.load("extendLock-1.lua");

    private final RedisScriptingCommands<String, String> redis;
    private final Keys keys;

    public SessionLock(RedisScriptingCommands<String, String> redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Releases the lease; empty when released, else why not (it expired, or another holder took it). */
    public Optional<ScriptError> release(LockLease lease) {
        return ScriptError.of(RELEASE.runForLong(redis, new String[] {keys.lock(lease.sessionId())}, lease.token()));
    }

    /** Extends the lease to {@code ttl} from now; empty when extended, else why not. */
    public Optional<ScriptError> extend(LockLease lease, Duration ttl) {
        return ScriptError.of(EXTEND.runForLong(redis, new String[] {keys.lock(lease.sessionId())},
                lease.token(), Long.toString(ttl.toMillis())));
    }
}
