package io.mcpca.ingress.mcp;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls running on this ingress by (MCP session, JSON-RPC request id), so a
 * {@code notifications/cancelled} naming a request id finds the call to cancel. A session's ids are its
 * own: one client cannot cancel another's call. Entries live only while their call runs.
 */
public final class InFlightCalls {

    private final Map<String, Runnable> cancellers = new ConcurrentHashMap<>();

    /** @return a handle that removes the entry when the call ends */
    public AutoCloseable register(String mcpSessionId, Object jsonRpcId, Runnable cancel) {
        String key = key(mcpSessionId, jsonRpcId);
        cancellers.put(key, cancel);
        return () -> cancellers.remove(key, cancel);
    }

    /** Cancels the call; empty when no such call runs (it finished, or was never here). */
    public boolean cancel(String mcpSessionId, Object jsonRpcId) {
        Runnable cancel = cancellers.remove(key(mcpSessionId, jsonRpcId));
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
