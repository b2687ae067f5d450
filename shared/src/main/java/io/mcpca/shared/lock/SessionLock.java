package io.mcpca.shared.lock;

import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Duration;
import java.util.Optional;

/**
 * Per-session locks as leases: {@code SET NX PX} with a unique token ({@link LeaseTokens}) (plus a fencing token from
 * {@code INCR} in the same slot), compare-and-delete to release, compare-and-extend to renew. All
 * three are Lua scripts so each check-then-act is atomic on the server.
 */
public final class SessionLock {

    private static final LuaScript ACQUIRE = LuaScript.load("acquireLock-2.lua");
    private static final LuaScript RELEASE = LuaScript.load("releaseLock-1.lua");
    private static final LuaScript EXTEND = LuaScript.load("extendLock-1.lua");

    private final RedisScriptingCommands<String, String> redis;
    private final Keys keys;

    public SessionLock(RedisScriptingCommands<String, String> redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Tries once; empty when another holder has the session. */
    public Optional<LockLease> tryAcquire(String sessionId, Duration ttl) {
        String token = newToken();
        long fence = ACQUIRE.runForLong(redis, new String[] {keys.lock(sessionId), keys.fence(sessionId)},
                token, Long.toString(ttl.toMillis()));
        if (ScriptError.of(fence).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new LockLease(sessionId, token, fence));
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

    private static String newToken() {
        return LeaseTokens.next();
    }
}
