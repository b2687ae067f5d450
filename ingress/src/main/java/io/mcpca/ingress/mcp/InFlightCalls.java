package io.mcpca.ingress.mcp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls running on this ingress by (MCP session, JSON-RPC request id), so a
 * {@code notifications/cancelled} naming a request id finds the call to cancel. A session's ids are its
 * own: one client cannot cancel another's call. Entries live only while their call runs.
 *
 * <p>A cancel can overtake its call (the notification is handled on another thread before the call has
 * registered): a cancel that finds nothing is remembered for a while, and a call registering under that id
 * is cancelled at once. MCP forbids reusing a request id within a session, so no later call is hit by it.
 */
public final class InFlightCalls {

    /** How long a cancel that found no call waits for it, and how many such cancels are kept at most. */
    private static final Duration EARLY_CANCEL_WINDOW = Duration.ofSeconds(30);
    private static final long MAX_EARLY_CANCELS = 10_000;

    private final Map<String, Runnable> cancellers = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> earlyCancels = Caffeine.newBuilder()
            .expireAfterWrite(EARLY_CANCEL_WINDOW).maximumSize(MAX_EARLY_CANCELS).build();

    /** @return a handle that removes the entry when the call ends */
    public AutoCloseable register(String mcpSessionId, Object jsonRpcId, Runnable cancel) {
        String key = key(mcpSessionId, jsonRpcId);
        cancellers.put(key, cancel);
        if (earlyCancels.asMap().remove(key) != null && cancellers.remove(key, cancel)) {
            cancel.run(); // its cancel came first
        }
        return () -> cancellers.remove(key, cancel);
    }

    /**
     * Cancels the call; false when no such call runs (it finished, was never here, or has not registered yet:
     * then it is cancelled when it does, within {@link #EARLY_CANCEL_WINDOW}).
     */
    public boolean cancel(String mcpSessionId, Object jsonRpcId) {
        String key = key(mcpSessionId, jsonRpcId);
        Runnable cancel = cancellers.remove(key);
        if (cancel == null) {
            earlyCancels.put(key, Boolean.TRUE);
            // the call may have registered between the two lines above
            cancel = cancellers.remove(key);
            if (cancel != null) {
                earlyCancels.invalidate(key);
            }
        }
        Optional.ofNullable(cancel).ifPresent(Runnable::run);
        return cancel != null;
    }

    public int size() {
        return cancellers.size();
    }

    private static String key(String mcpSessionId, Object jsonRpcId) {
        // JSON-RPC ids are strings or numbers; 7 and "7" are different ids
        String id = jsonRpcId instanceof String s ? "s:" + s : "n:" + jsonRpcId;
        return mcpSessionId + "\u0000" + id;
    }
}
