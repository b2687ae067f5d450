package io.mcpca.shared.log;

import io.mcpca.shared.wire.ToolRequest;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The log context of one call: the MDC keys {@code correlationId}, {@code requestId}, {@code sessionId} and
 * {@code tool}, set on every thread while it works on the call, in every process the call touches (the ingress and
 * the worker open it from the same {@link ToolRequest}). A scope restores what the thread had before, so a pooled
 * thread never carries one call's ids into the next. {@link #CALLS} is the logger of one line per call at its start
 * and end in each process ({@code logging.level.io.mcpca.calls=debug}).
 */
public record CallMdc(String correlationId, String requestId, String sessionId, String tool) {

    public CallMdc {
        correlationId = correlationId == null ? "" : correlationId;
    }

    public static final String CORRELATION_ID = "correlationId";
    public static final String REQUEST_ID = "requestId";
    public static final String SESSION_ID = "sessionId";
    public static final String TOOL = "tool";
    /** One line per call at its start and end, per process: off unless set to DEBUG. */
    public static final Logger CALLS = LoggerFactory.getLogger("io.mcpca.calls");

    /** Restores the thread's log context as it was before {@link #open}; never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static CallMdc of(ToolRequest request) {
        return new CallMdc(request.correlationId(), request.requestId(), request.sessionId(), request.tool());
    }

    /** Sets this call's keys on the current thread until the scope closes. */
    public Scope open() {
        Map<String, String> before = MDC.getCopyOfContextMap();
        Map<String, String> context = before == null ? new HashMap<>(8) : new HashMap<>(before);
        if (!correlationId.isEmpty()) {
            context.put(CORRELATION_ID, correlationId);
        }
        context.put(REQUEST_ID, requestId);
        context.put(SESSION_ID, sessionId);
        context.put(TOOL, tool);
        return restore(context);
    }

    /** {@code work} run inside this call's log context, on whatever thread runs it. */
    public Runnable wrap(Runnable work) {
        return () -> {
            try (Scope scope = open()) {
                work.run();
            }
        };
    }

    /**
     * {@code task} carrying the log context this thread has now, to run on another thread (a timer, a scheduler):
     * the task itself when there is none.
     */
    public static Runnable carried(Runnable task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        if (captured == null || captured.isEmpty()) {
            return task;
        }
        return () -> {
            try (Scope scope = restore(captured)) {
                task.run();
            }
        };
    }

    /**
     * Sets a log context captured on another thread ({@link MDC#getCopyOfContextMap}, null for none) until the
     * scope closes: how a call's context crosses a hand-off to another thread.
     */
    public static Scope restore(Map<String, String> captured) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        if (captured == null || captured.isEmpty()) {
            if (before == null || before.isEmpty()) {
                return () -> { };
            }
            MDC.clear();
        } else {
            MDC.setContextMap(captured);
        }
        return () -> {
            if (before == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(before);
            }
        };
    }
}
