package io.mcpca.app.faults;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;

/**
 * One MCP call as a client saw it during a Redis fault: when it started and ended, answered or not, and whether
 * its failure was marked retryable. Calls alternate a sessionless ping (fast path) and a session-locked
 * calculate-metrics, so both paths must find their groups, scripts and reply stream again.
 */
record CallOutcome(long startNanos, long endNanos, boolean ok, boolean retryable, String text) {

    /** Submit refusals (SubmitGate): the append failed, or the breaker is open; nothing was accepted. */
    private static final List<String> REFUSED_AT_SUBMIT = List.of("UNAVAILABLE: the call could not be queued: ",
            "UNAVAILABLE: Redis is unreachable; calls are refused for now");

    /** Refused by the ingress before it queued the call: nothing was accepted, so nothing can be lost. */
    boolean refusedAtSubmit() {
        return REFUSED_AT_SUBMIT.stream().anyMatch(text::startsWith);
    }

    static CallOutcome call(McpSyncClient client, boolean sessionless) {
        return call(client, sessionless, "f");
    }

    /**
     * The calculate-metrics call measures a function named {@code function}: its answer must name that very function
     * (an answer meant for another call is an AssertionError, not an outcome).
     */
    static CallOutcome call(McpSyncClient client, boolean sessionless, String function) {
        long start = System.nanoTime();
        try {
            CallToolResult result = sessionless
                    ? client.callTool(new CallToolRequest("ping", Map.of()))
                    : client.callTool(new CallToolRequest("calculate-metrics",
                            Map.of("content", "def " + function + "(x):\n    return x + 1\n", "language", "python")));
            boolean error = Boolean.TRUE.equals(result.isError());
            String text = text(result);
            if (!error && !sessionless && !text.contains("\"" + function + "\"")) {
                throw new AssertionError("call " + function + " got another call's answer: " + text);
            }
            Object retryable = result.meta() == null ? null : result.meta().get("retryable");
            return new CallOutcome(start, System.nanoTime(), !error, Boolean.TRUE.equals(retryable), text);
        } catch (RuntimeException e) {
            // The MCP SDK's servlet transport sometimes drops the HTTP exchange of a result completed on another
            // thread within microseconds of the request (Tomcat: "asyncComplete() is not valid ... MUST_COMPLETE"),
            // which happens when Redis is down and calls are refused at once. The client sees an I/O error on
            // a call that was never queued: retryable by nature, and no hang. Counted apart and printed.
            boolean transport = hasCause(e, java.io.IOException.class);
            return new CallOutcome(start, System.nanoTime(), false, transport, "client exception: " + e);
        }
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
    }
}
